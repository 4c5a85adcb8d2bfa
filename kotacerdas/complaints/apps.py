from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kotacerdas.complaints"
    label = "complaints"
