from bookings.expiry import expire_requests
from members.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Expire the pending requests not decided by their deadline: decline them, free their "
        "time and tell each booker (run from cron, e.g. every 15 minutes; safe on several "
        "machines at once)."
    )

    def handle(self, *args, **options) -> None:
        expired = expire_requests()
        for booking in expired:
            self.stdout.write(f"{booking.pk} {booking.title}: expired")
        self.stdout.write(f"{len(expired)} requests expired.")
