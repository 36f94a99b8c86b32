"""allauth's account adapter: its own emails (confirm an address, reset a password, change an
address, the notices) go through the task queue like every other email (members/mail.py), and
the failed-login count of an account is one count, whatever Host header the attempts carried."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from . import mail


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Write the message now, in the request, exactly as allauth does (its links are built
        from the request, its keys made now), and hand it to the queue: sent after the
        transaction commits and retried if the mail server fails, never waited for here."""
        request = allauth_context.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
        }
        ctx.update(context)
        mail.queue_email(self.render_mail(template_prefix, email, ctx))

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The account's failed-login counter: its address alone. allauth prefixes the current
        site's domain, which without django.contrib.sites is the request's Host header, port
        included: Django checks ALLOWED_HOSTS without the port, so a guesser who changed the
        port in Host (book.example.org:1, :2, ...) had five more guesses each time, and two app
        servers reached by different names kept two counts (found by tests/live)."""
        return credentials.get("email", credentials.get("username", "")).lower()
