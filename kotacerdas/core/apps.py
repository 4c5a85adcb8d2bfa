from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kotacerdas.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        # Registers the receivers that keep the deadline calendar in step with the Holiday table.
        from kotacerdas.core import signals  # noqa: F401
