from django.apps import AppConfig


class LaporConfig(AppConfig):
    name = "kotacerdas.lapor"
    label = "lapor"
    verbose_name = "SP4N-LAPOR!"

    def ready(self) -> None:
        # Registers the post_save receiver that writes the outbox with every complaint change.
        from kotacerdas.lapor import signals  # noqa: F401
