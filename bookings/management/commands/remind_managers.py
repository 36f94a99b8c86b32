from django.core.management.base import BaseCommand

from bookings.reminders import remind_managers


class Command(BaseCommand):
    help = (
        "Email each venue's managers the requests waiting for their decision, at most once a day "
        "per venue (its local date); run from cron, e.g. hourly or each morning, on any number "
        "of machines."
    )

    def handle(self, *args, **options) -> None:
        venues = remind_managers()
        for venue in venues:
            self.stdout.write(f"{venue.slug}: managers reminded")
        self.stdout.write(f"{len(venues)} venues reminded.")
