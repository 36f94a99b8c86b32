from bookings.waitlists import offer_waitlists
from members.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Expire waiting-list offers not claimed in time (and entries whose time has passed), and "
        "offer freed time to whoever waits next (run from cron, e.g. every 5 minutes; safe on "
        "several machines at once)."
    )

    def handle(self, *args, **options) -> None:
        offered = offer_waitlists()
        for entry in offered:
            self.stdout.write(f"{entry.pk} {entry.title}: offered")
        self.stdout.write(f"{len(offered)} offers made.")
