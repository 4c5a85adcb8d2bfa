from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kotacerdas.lapor import conf, reconcile


class Command(BaseCommand):
    help = ("Compares linked complaints with SP4N-LAPOR! and lists mismatches and verified complaints without a "
            "TrackingID. Exit status 1 with --strict when anything is off.")

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--strict", action="store_true", help="fail when the report is not clean")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        if not conf.enabled():
            raise CommandError("LAPOR! integration is off (LAPOR_ENABLED / LAPOR_BASE_URL)")
        report = reconcile.build()
        out = self.stdout.write
        out(f"linked: {report.linked}, matching: {report.matching}, mismatches: {len(report.mismatches)}, "
            f"missing remotely: {len(report.missing_remote)}, unlinked verified: {len(report.unlinked)}")
        if report.error:
            out(f"error: {report.error}")
        for row in report.mismatches:
            out(f"MISMATCH {row.complaint.tracking_no} {row.tracking_id}: local {row.complaint.status} "
                f"-> expected {row.expected}, LAPOR! {row.remote} (waiting messages: {row.waiting})")
        for row in report.missing_remote:
            out(f"MISSING  {row.complaint.tracking_no} {row.tracking_id}: not found on LAPOR!")
        for item in report.unlinked:
            out(f"UNLINKED {item.complaint.tracking_no}: report message {item.report_state or 'none'}")
        if options["strict"] and not report.ok:
            raise CommandError("reconciliation found differences")
