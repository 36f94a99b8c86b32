from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_tables(using: str = "default", **kwargs) -> None:
    """Create the database cache's table if the settings use one and it is missing.

    It runs after every `migrate`, so the table follows the CACHES of the day: a deployment that
    drops REDIS_URL gets its table at the next migrate, and nobody has to remember another
    command. createcachetable does nothing when the table is there.
    """
    call_command("createcachetable", database=using, verbosity=0)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and organisations"

    def ready(self) -> None:
        from allauth.account import signals

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            receivers,
        )

        # People invited to an organisation by email: added once the address is confirmed.
        signals.email_confirmed.connect(receivers.email_confirmed, dispatch_uid="members-invites")
        signals.user_signed_up.connect(receivers.user_signed_up, dispatch_uid="members-invites")

        post_migrate.connect(create_cache_tables, sender=self)
