from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "kotacerdas.agencies"
    label = "agencies"
