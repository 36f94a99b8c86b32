"""The seeded city as the cases see it: which venue and spaces they measure, and the people and
feed token they use. Picked the same way on every run (the first venue's busiest room that books
at once, and its desk pool)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bookings.grid import local_today, monday_of
from feeds.models import FeedToken
from members.models import Member
from spaces.models import Space, Venue
from spaces.timezones import wall_time_to_utc

from .seed import VENUE_PREFIX


@dataclass
class City:
    venue: Venue
    space: Space  # the busiest room that books at once: the week, the page, booking over HTTP
    pool: Space  # its desk pool, the biggest feed of a space: the feed cases
    manager: Member  # manages the venue; owns the space's feed token
    booker: Member  # books over HTTP (no organisation, no plan: the full rate)
    token: FeedToken  # the manager's feed of the desk pool
    now: datetime
    monday: date  # this week's Monday in the venue's zone
    year: int  # the last whole calendar year, for the stats

    @property
    def week(self) -> tuple[datetime, datetime]:
        zone = self.venue.zone
        return (
            wall_time_to_utc(self.monday, datetime.min.time(), zone),
            wall_time_to_utc(self.monday + timedelta(days=7), datetime.min.time(), zone),
        )


def find_city() -> City:
    """The measured part of the seeded city; makes its manager, booker and token if missing."""
    venue = Venue.objects.get(slug=f"{VENUE_PREFIX}0")
    # A room that books at once, as most bookings are made: a hall's request (approval needed)
    # also reads the managers and queues a second email. Which room is busiest changes with the
    # seeded city; before, a hall was measured on some cities and not on others.
    space = (
        Space.objects.filter(venue=venue, seats=1, requires_approval=False)
        .annotate(held=Count("bookings", filter=Q(bookings__status="confirmed")))
        .order_by("-held", "pk")
        .select_related("venue")
        .first()
    )
    if space is None:
        raise ValueError(
            "The benchmark city's first venue has no room that books at once: seed with more spaces."
        )
    manager, _created = Member.objects.get_or_create(
        email="city-manager@example.org", defaults={"display_name": "City manager"}
    )
    venue.managers.add(manager)
    booker, _created = Member.objects.get_or_create(
        email="city-booker@example.org", defaults={"display_name": "City booker"}
    )
    pool = Space.objects.filter(venue=venue, seats__gt=1).select_related("venue").first() or space
    token, _created = FeedToken.objects.get_or_create(
        owner=manager, scope=FeedToken.Scope.SPACE, space=pool, revoked_at=None
    )
    now = timezone.now()
    return City(
        venue=venue,
        space=space,
        pool=pool,
        manager=manager,
        booker=booker,
        token=token,
        now=now,
        monday=monday_of(local_today(space, now)),
        year=now.year - 1,
    )
