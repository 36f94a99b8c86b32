from bookings.series_extend import extend_series
from members.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Book the dates of open-ended series that have come within the horizon (run from cron, "
        "e.g. daily; safe on several machines at once, and running it twice books nothing more)."
    )

    def handle(self, *args, **options) -> None:
        added = extend_series()
        for booking in added:
            self.stdout.write(
                f"{booking.pk} {booking.title}: {booking.starts_at:%Y-%m-%d %H:%M} UTC"
            )
        self.stdout.write(f"{len(added)} dates added.")
