from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from members.audit import AuditedCommand
from operations.privacy import anonymise_old_bookings


class Command(AuditedCommand):
    help = (
        "Clear the free text (titles, purposes, reasons) of bookings that ended more than "
        "RETENTION_DAYS ago. Idempotent: run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Override RETENTION_DAYS for this run."
        )

    def handle(self, *args, days: int | None, **options) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        changed = anonymise_old_bookings(days=days)
        kept = settings.RETENTION_DAYS if days is None else days
        self.stdout.write(f"Anonymised {changed} bookings that ended over {kept} days ago.")
