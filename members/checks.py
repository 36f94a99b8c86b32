"""System checks for what a deployment gets wrong silently: a cache that is not shared."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

# Backends that keep their entries in one process: each worker would count failed logins alone.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches)
def check_the_cache_is_shared(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Warn when DEBUG is off and the default cache lives in each process's memory."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend}) is kept in each process, so every worker counts "
            "failed logins and sign-ups on its own and the rate limits do not hold.",
            hint="Use the database cache (the default without REDIS_URL) or set REDIS_URL to a "
            "Redis that every app server shares.",
            id="members.W001",
        )
    ]
