from django.core.management.base import BaseCommand

from bookings.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email each confirmed booking starting in the next 24 hours its reminder, once (run from "
        "cron, e.g. every 15 minutes; safe on several machines at once)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{send_reminders()} reminders queued.")
