from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.lapor import conf, outbox, sync


class Command(BaseCommand):
    help = "Delivers due SP4N-LAPOR! messages and pulls remote changes now (the worker does both periodically)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--no-pull", action="store_true")
        parser.add_argument("--no-deliver", action="store_true")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if not conf.enabled():
            raise CommandError("LAPOR! integration is off (LAPOR_ENABLED / LAPOR_BASE_URL)")
        if not options["no_deliver"]:
            self.stdout.write(f"deliver: {outbox.deliver() or 'nothing due'}")
        if not options["no_pull"]:
            self.stdout.write(f"pull: {sync.pull() or 'no changes'}")
