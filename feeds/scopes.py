"""What a feed shows, decided on every request from who may see what on the site *now*.

A token is only a pointer to a feed; the owner's right to that feed (membership of the
organisation, managing the venue) is checked again each time a calendar app polls it.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bookings.models import Booking
from members import permissions
from members.models import Member, Organisation
from spaces.models import Space, Venue

from .models import FeedToken


@dataclass(frozen=True)
class Feed:
    """One calendar to publish: its bookings (not yet windowed), its name and how much it reveals.

    `bookings` is every booking of the feed's scope whatever its status; `shown` picks the ones
    the feed lists. A booking that stops being shown (a cancellation in a busy feed) is still in
    `bookings`, so its updated_at still moves the feed's Last-Modified forward.
    """

    key: str  # stable and unique per feed; goes into the calendar UID and the ETag
    name: str
    bookings: QuerySet[Booking]
    detail: bool  # False: busy-only, "Booked" with no names or purposes
    show_booker: bool  # manager and organisation feeds say who booked
    public: bool
    shown: Q = field(default_factory=Q)  # Q(): every one of `bookings`
    # The one space, or venue, every booking of the feed is in, already loaded: the validators
    # take its updated_at from here instead of joining it to every booking.
    space: Space | None = None
    venue: Venue | None = None


def may_use_token(token: FeedToken) -> bool:
    """Whether the token's owner may, right now, see everything its feed shows (members.permissions)."""
    return permissions.may_use_feed(token)


def may_create_feed(
    member: Member,
    scope: str,
    *,
    organisation_id: int | None = None,
    venue_id: int | None = None,
    space_id: int | None = None,
) -> bool:
    """Whether `member` may make a token for this feed (the same test as on every fetch)."""
    token = FeedToken(
        owner=member,
        scope=scope,
        organisation_id=organisation_id,
        venue_id=venue_id,
        space_id=space_id,
    )
    if scope == FeedToken.Scope.VENUE and venue_id:
        token.venue = Venue.objects.filter(pk=venue_id).first()
        if token.venue is None:
            return False
    if scope == FeedToken.Scope.SPACE and space_id:
        token.space = Space.objects.select_related("venue").filter(pk=space_id).first()
        if token.space is None:
            return False
    if scope == FeedToken.Scope.ORGANISATION and not organisation_id:
        return False
    return may_use_token(token)


def feed_key(token: FeedToken) -> str:
    """The key of the feed a token opens (Feed.key), from its ids alone."""
    match token.scope:
        case FeedToken.Scope.MEMBER:
            return f"member-{token.owner_id}"
        case FeedToken.Scope.ORGANISATION:
            return f"organisation-{token.organisation_id}"
        case FeedToken.Scope.VENUE:
            return f"venue-{token.venue_id}"
        case FeedToken.Scope.SPACE:
            return f"space-{token.space_id}"
    raise ValueError(f"Feed token {token.pk} has an unknown scope: {token.scope!r}")


def feed_for_token(token: FeedToken) -> Feed:
    """The feed a token opens. Call may_use_token first."""
    bookings = Booking.objects.all()
    match token.scope:
        case FeedToken.Scope.MEMBER:
            return Feed(
                key=feed_key(token),
                name=_("My bookings (Commonshare)"),
                bookings=bookings.for_member(token.owner),
                detail=True,
                show_booker=False,
                public=False,
            )
        case FeedToken.Scope.ORGANISATION if token.organisation_id is not None:
            return Feed(
                key=feed_key(token),
                name=_("%(organisation)s bookings (Commonshare)")
                % {"organisation": token.target_label},
                bookings=bookings.filter(organisation_id=token.organisation_id),
                detail=True,
                show_booker=True,
                public=False,
            )
        case FeedToken.Scope.VENUE if token.venue_id is not None:
            return Feed(
                key=feed_key(token),
                name=_("%(venue)s bookings (Commonshare)") % {"venue": token.target_label},
                bookings=bookings.filter(space__venue_id=token.venue_id),
                detail=True,
                show_booker=True,
                public=False,
                venue=token.venue,
            )
        case FeedToken.Scope.SPACE if token.space_id is not None:
            return Feed(
                key=feed_key(token),
                name=_("%(space)s bookings (Commonshare)") % {"space": token.target_label},
                bookings=bookings.filter(space_id=token.space_id),
                detail=True,
                show_booker=True,
                public=False,
                space=token.space,
                venue=token.space.venue if token.space is not None else None,
            )
    raise ValueError(f"Feed token {token.pk} has an unknown scope or no target: {token.scope!r}")


def busy_feed_for_space(space: Space) -> Feed:
    """The public busy-only feed of a space; only offered where its venue publishes busy times."""
    return Feed(
        key=f"busy-space-{space.pk}",
        name=_("%(space)s: busy times") % {"space": str(space)},
        bookings=Booking.objects.filter(space=space),
        shown=Q(status__in=Booking.ACTIVE_STATUSES),
        detail=False,
        show_booker=False,
        public=True,
        space=space,
        venue=space.venue,
    )


def busy_feed_for_venue(venue: Venue) -> Feed:
    return Feed(
        key=f"busy-venue-{venue.pk}",
        name=_("%(venue)s: busy times") % {"venue": venue.name},
        bookings=Booking.objects.filter(space__venue=venue),
        shown=Q(status__in=Booking.ACTIVE_STATUSES),
        detail=False,
        show_booker=False,
        public=True,
        venue=venue,
    )


def creatable_feeds(member: Member) -> list[tuple[str, int | None, str]]:
    """(scope, target id, label) for every feed `member` may subscribe to now."""
    choices: list[tuple[str, int | None, str]] = [(FeedToken.Scope.MEMBER, None, _("My bookings"))]
    for organisation in Organisation.objects.filter(
        permissions.followable_organisations_filter(member)
    ):
        choices.append(
            (
                FeedToken.Scope.ORGANISATION,
                organisation.pk,
                _("Bookings for %(organisation)s") % {"organisation": organisation.name},
            )
        )
    venues = Venue.objects.managed_by(member)
    for venue in venues.prefetch_related("spaces"):
        choices.append(
            (
                FeedToken.Scope.VENUE,
                venue.pk,
                _("All bookings at %(venue)s") % {"venue": venue.name},
            )
        )
        for space in venue.spaces.all():
            choices.append(
                (
                    FeedToken.Scope.SPACE,
                    space.pk,
                    _("Bookings of %(space)s") % {"space": f"{space.name}, {venue.name}"},
                )
            )
    return choices
