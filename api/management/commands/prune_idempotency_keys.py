from api.idempotency import KEY_LIFETIME, prune_idempotency_keys
from members.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Forget the API's idempotency keys made more than 24 hours ago (a retry within them "
        "still replays). Idempotent: run it from cron, e.g. hourly; safe on several machines "
        "at once."
    )

    def handle(self, *args, **options) -> None:
        pruned = prune_idempotency_keys()
        hours = int(KEY_LIFETIME.total_seconds() // 3600)
        self.stdout.write(f"Pruned {pruned} idempotency keys made over {hours} hours ago.")
