"""How the API knows who is asking: a personal token (`Authorization: Bearer cs_...`), or the
browser's session (DRF's, which keeps Django's CSRF check on every change)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from members.models import Member

from .models import PREFIX, ApiToken
from .tokens import token_for_secret


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal API token in the Authorization header. A wrong, revoked or expired token is a
    401, never a silent fall back to the session."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Member, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”, with nothing else.")
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("That is not an API token.")) from None
        if not secret.startswith(PREFIX) or len(secret) > 100:
            raise exceptions.AuthenticationFailed(_("That is not an API token."))
        token = token_for_secret(secret, now=timezone.now())
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it may have been revoked or have expired.")
            )
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token made on Account → API tokens.",
        }
