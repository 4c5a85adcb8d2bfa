from django.apps import AppConfig


class LaporConfig(AppConfig):
    name = "kotacerdas.lapor"
    label = "lapor"
    verbose_name = "SP4N-LAPOR!"
