"""Rate limits, counted in the shared cache (every worker of every app server sees one count).

The rates are read from settings when a request comes, not when the class is imported, so a
deployment (and a test) can change them: API_RATE_ANONYMOUS per client address, API_RATE_MEMBER
per member. Over the limit the answer is a 429 with Retry-After.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class Anonymous(AnonRateThrottle):
    def get_rate(self) -> str:
        return settings.API_RATE_ANONYMOUS


class PerMember(UserRateThrottle):
    def get_rate(self) -> str:
        return settings.API_RATE_MEMBER

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # counted by Anonymous
        return super().get_cache_key(request, view)
