from django.core.management.base import BaseCommand

from webhooks.sending import send_due


class Command(BaseCommand):
    help = (
        "Send every webhook delivery that is due (run from cron, e.g. every 5 minutes): first "
        "attempts whose task was lost, retries a task backend could not defer, and what waited "
        "while an endpoint was paused. Safe on several machines at once: each delivery is "
        "claimed under its row lock by one sender."
    )

    def handle(self, *args, **options) -> None:
        tried = send_due()
        delivered = sum(1 for delivery in tried if delivery.delivered_at is not None)
        self.stdout.write(f"Tried {len(tried)} deliveries; {delivered} delivered.")
