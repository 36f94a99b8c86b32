import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """256 random bits, URL-safe: 43 characters of [A-Za-z0-9_-]."""
    return secrets.token_urlsafe(32)


# What any token could look like (new_token's alphabet, within the column's length); anything
# else in a feed address is refused before it reaches the database.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class FeedTokenQuerySet(models.QuerySet["FeedToken"]):
    def live(self) -> "FeedTokenQuerySet":
        """Tokens that still open their feed (not revoked)."""
        return self.filter(revoked_at__isnull=True)


class FeedToken(models.Model):
    """The secret in a private feed's URL, scoped to exactly one feed of its owner.

    The token itself is kept (unique-indexed) rather than hashed, because a member must be able
    to see and copy their subscription address again on their account page. Whether the owner
    may still see the feed is checked on every fetch (feeds.scopes), not when the token is made.
    """

    class Scope(models.TextChoices):
        MEMBER = "member", _("My bookings")
        ORGANISATION = "organisation", _("Organisation bookings")
        SPACE = "space", _("Space bookings (manager)")
        VENUE = "venue", _("Venue bookings (manager)")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    scope = models.CharField(_("feed"), max_length=16, choices=Scope.choices)
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feed_tokens",
    )
    venue = models.ForeignKey(
        "spaces.Venue", on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")
        ordering = ["scope", "created_at"]
        constraints = [
            # Each scope names exactly the one object it refers to, and nothing else.
            models.CheckConstraint(
                condition=(
                    Q(
                        scope="member",
                        organisation__isnull=True,
                        venue__isnull=True,
                        space__isnull=True,
                    )
                    | Q(
                        scope="organisation",
                        organisation__isnull=False,
                        venue__isnull=True,
                        space__isnull=True,
                    )
                    | Q(
                        scope="venue",
                        organisation__isnull=True,
                        venue__isnull=False,
                        space__isnull=True,
                    )
                    | Q(
                        scope="space",
                        organisation__isnull=True,
                        venue__isnull=True,
                        space__isnull=False,
                    )
                ),
                name="feed_token_scope_matches_target",
            ),
            # One live token per owner and feed, whatever the concurrency (two clicks, ten
            # requests): the services turn the loser's IntegrityError into the winner's token.
            # The target is one key so member feeds (no target: NULLs, which a plain unique
            # constraint treats as all different) are covered too, on SQLite and PostgreSQL.
            models.UniqueConstraint(
                "owner",
                "scope",
                Coalesce("organisation", "venue", "space", Value(0)),
                condition=Q(revoked_at__isnull=True),
                name="one_live_feed_token_per_feed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.target_label} ({self.owner})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def target_label(self) -> str:
        # An unset foreign key reads as None without a query.
        if self.scope == self.Scope.ORGANISATION and self.organisation is not None:
            return self.organisation.name
        if self.scope == self.Scope.VENUE and self.venue is not None:
            return self.venue.name
        if self.scope == self.Scope.SPACE and self.space is not None:
            return str(self.space)
        return str(self.owner)


class DisplayLinkQuerySet(models.QuerySet["DisplayLink"]):
    def live(self) -> "DisplayLinkQuerySet":
        """Links that still open their venue's today page (not revoked)."""
        return self.filter(revoked_at__isnull=True)


class DisplayLink(models.Model):
    """The secret address of a venue's today page, for a screen or tablet in the hall that has
    no login. Made, named and revoked by the venue's managers (feeds.display); a revoked link
    answers 410. The page it opens shows no personal data (feeds.today)."""

    venue = models.ForeignKey(
        "spaces.Venue", on_delete=models.CASCADE, related_name="display_links"
    )
    name = models.CharField(_("name"), max_length=100)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DisplayLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("display link")
        verbose_name_plural = _("display links")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.venue})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
