"""Build the benchmark city: venues, spaces, members, organisations, then the bookings.

The inventory (a few thousand rows) goes through the ORM's bulk_create; the bookings and their
django-scheduler mirror events go in with one INSERT ... SELECT over generate_series per chunk on
PostgreSQL (seed_sql.py), or bulk_create on SQLite (seed_python.py), in both cases through the
table's real constraints and triggers (the exclusion constraint, the desk-pool seat trigger).
"""

import json
import time as clock
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from schedule.models import Calendar

from members.models import Member, Organisation, OrganisationMembership
from spaces.models import OpeningException, OpeningHours, Space, Venue

from . import layout
from .layout import Scale

VENUE_PREFIX = "city-venue-"
MARK = "Seeded by manage.py bench: "

Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass(frozen=True)
class Seeded:
    """What the seeder built, as the report shows it (kept in the first venue's description)."""

    scale: Scale
    seconds: float
    first_day: date
    last_day: date
    vendor: str

    def to_json(self) -> str:
        data = asdict(self)
        data["first_day"], data["last_day"] = self.first_day.isoformat(), self.last_day.isoformat()
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "Seeded":
        data = json.loads(text)
        return cls(
            scale=Scale(**data["scale"]),
            seconds=data["seconds"],
            first_day=date.fromisoformat(data["first_day"]),
            last_day=date.fromisoformat(data["last_day"]),
            vendor=data["vendor"],
        )


def already_seeded() -> Seeded | None:
    """The city a previous run built in this database, if any."""
    first = Venue.objects.filter(slug=f"{VENUE_PREFIX}0").first()
    if first is None or not first.description.startswith(MARK):
        return None
    return Seeded.from_json(first.description.removeprefix(MARK))


def seed(scale: Scale, *, progress: Progress, today: date | None = None) -> Seeded:
    """Build the city at `scale` in one transaction; refuse if a city is already there."""
    if already_seeded() is not None:
        raise ValueError("This database already holds a benchmark city: use --reuse.")
    started = clock.perf_counter()
    today = today or timezone.localdate()
    first_day = today - timedelta(days=layout.DAYS_BEFORE_TODAY)
    last_day = today + timedelta(days=layout.DAYS_AFTER_TODAY)
    with transaction.atomic():
        venues = _venues(scale, first_day, last_day)
        progress("inventory", 1, 3)
        spaces = _spaces(scale, venues)
        progress("inventory", 2, 3)
        members = _people(scale)
        progress("inventory", 3, 3)
        if connection.vendor == "postgresql":
            from .seed_sql import seed_bookings
        else:
            from .seed_python import seed_bookings
        seed_bookings(
            scale=scale,
            venues=venues,
            spaces=spaces,
            members=members,
            first_day=first_day,
            last_day=last_day,
            progress=progress,
        )
        seeded = Seeded(
            scale=scale,
            seconds=round(clock.perf_counter() - started, 1),
            first_day=first_day,
            last_day=last_day,
            vendor=connection.vendor,
        )
        Venue.objects.filter(pk=venues[0].pk).update(description=MARK + seeded.to_json())
    with connection.cursor() as cursor:
        # What autovacuum would do soon after a bulk load: planner statistics (and on
        # PostgreSQL, outside a transaction, hint bits and the visibility map), for every
        # table: a server with autovacuum off (as CI's is) never analyses the small ones, and
        # without statistics PostgreSQL read the space by its slug (shared by the venues'
        # "room-5"s) before its venue.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE bookings_booking")
            cursor.execute("VACUUM ANALYZE schedule_event")
        cursor.execute("ANALYZE")
    return seeded


def _venues(scale: Scale, first_day: date, last_day: date) -> list[Venue]:
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"City venue {n}",
            slug=f"{VENUE_PREFIX}{n}",
            address=f"{n + 1} High Street",
            postcode=f"B{n % 40 + 1} 1AA",
            time_zone="Europe/London",
            opened_for_sharing_on=first_day,
        )
        for n in range(scale.venues)
    )
    weekly = [(day, *layout.WEEKDAY_HOURS) for day in range(5)] + [(5, *layout.SATURDAY_HOURS)]
    hours = []
    for n, venue in enumerate(venues):
        days = weekly + ([(6, *layout.SUNDAY_HOURS)] if n % 3 == 0 else [])
        hours += [OpeningHours(venue=venue, weekday=d, opens=o, closes=c) for d, o, c in days]
    OpeningHours.objects.bulk_create(hours)
    closed = [
        date(year, month, day)
        for year in range(first_day.year, last_day.year + 1)
        for month, day in layout.CLOSED_DATES
        if first_day <= date(year, month, day) <= last_day
    ]
    OpeningException.objects.bulk_create(
        OpeningException(venue=venue, date=day, note="Bank holiday")
        for venue in venues
        for day in closed
    )
    return venues


def _spaces(scale: Scale, venues: list[Venue]) -> list[Space]:
    per_venue = -(-scale.spaces // scale.venues)
    spaces = []
    for n in range(scale.spaces):
        venue, place = venues[n // per_venue], n % per_venue
        if place == 0:
            spaces.append(
                Space(
                    venue=venue,
                    name="Hot desks",
                    slug="desks",
                    kind=Space.Kind.DESK_POOL,
                    capacity=layout.seats_of(n),
                    seats=layout.seats_of(n),
                    rate=Decimal(15),
                    min_duration=timedelta(hours=1),
                    max_duration=timedelta(hours=10),
                    grace_period=Space.DESK_POOL_GRACE_PERIOD,
                )
            )
            continue
        kind = layout.ROOM_KINDS[(place - 1) % len(layout.ROOM_KINDS)]
        spaces.append(
            Space(
                venue=venue,
                name=f"{kind.replace('_', ' ').capitalize()} {place}",
                slug=f"room-{place}",
                kind=kind,
                capacity=6 + int(layout.unit("capacity", n) * 75),
                rate=Decimal(10 + int(layout.unit("rate", n) * 16)),
                buffer_after=timedelta(minutes=15)
                if layout.unit("buffer", n) < 0.25
                else timedelta(0),
                requires_approval=kind == Space.Kind.HALL,
            )
        )
    spaces = Space.objects.bulk_create(spaces)
    calendars = Calendar.objects.bulk_create(
        Calendar(name=f"{space.name} ({space.venue.name})"[:200], slug=f"space-{space.pk}")
        for space in spaces
    )
    for space, calendar in zip(spaces, calendars, strict=True):
        space.calendar = calendar
    Space.objects.bulk_update(spaces, ["calendar"])
    return spaces


def _people(scale: Scale) -> list[Member]:
    """Members (no password they could log in with) and organisations; about 60 % of members
    belong to one, the first of each organisation as its admin."""
    members = Member.objects.bulk_create(
        Member(email=f"city-member-{n}@example.org", display_name=f"Member {n}", password="!")
        for n in range(scale.members)
    )
    kinds = [kind for kind, _label in Organisation.Kind.choices]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"City organisation {n}",
            slug=f"city-organisation-{n}",
            kind=kinds[int(layout.unit("kind", n) * len(kinds))],
            postcode_district=f"B{n % 40 + 1}",
        )
        for n in range(scale.organisations)
    )
    seen: set[int] = set()
    links = []
    for n, member in enumerate(members):
        if layout.unit("belongs", n) < 0.6:
            organisation = organisations[int(layout.unit("organisation", n) * len(organisations))]
            role = (
                OrganisationMembership.Role.MEMBER
                if organisation.pk in seen
                else OrganisationMembership.Role.ADMIN
            )
            seen.add(organisation.pk)
            links.append(
                OrganisationMembership(organisation=organisation, member=member, role=role)
            )
    OrganisationMembership.objects.bulk_create(links)
    return members


def organisation_of(members: list[Member]) -> dict[int, int]:
    """Each member's organisation (the one they belong to), by member id."""
    return dict(
        OrganisationMembership.objects.filter(member__in=members).values_list(
            "member_id", "organisation_id"
        )
    )
