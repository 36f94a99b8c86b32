from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def loopback_http_is_off(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Plain http to 127.0.0.1 is for the test receiver only: in production it would let a
    venue manager make the server post to its own local services."""
    if getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK_HTTP", False):
        return [
            checks.Error(
                "WEBHOOKS_ALLOW_LOOPBACK_HTTP is on: webhooks could be sent to this machine's "
                "own services over plain http.",
                hint="It is for the tests only; leave it False in production.",
                id="webhooks.E001",
            )
        ]
    return []
