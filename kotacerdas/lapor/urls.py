# Mounted at /sp4n-lapor/ (the citizens' report form owns /lapor/).
from django.urls import path

from kotacerdas.lapor import views

app_name = "lapor"
urlpatterns = [
    path("gagal/", views.dead_letters, name="dead_letters"),
    path("gagal/<int:pk>/kirim-ulang/", views.requeue, name="requeue"),
    path("rekonsiliasi/", views.reconciliation, name="reconciliation"),
]
