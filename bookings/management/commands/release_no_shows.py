from bookings.checkin import release_no_shows
from members.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Release the bookings not checked in within their space's grace period: mark them "
        "no-shows, free the rest of their time and tell each booker (run from cron, e.g. every "
        "5 minutes; safe on several machines at once)."
    )

    def handle(self, *args, **options) -> None:
        released = release_no_shows()
        for booking in released:
            self.stdout.write(f"{booking.pk} {booking.title}: released as a no-show")
        self.stdout.write(f"{len(released)} no-shows released.")
