"""Build the demo neighbourhood: two Ladywood venues, their people, prices and six months of
bookings.

`load_demo()` writes everything in one transaction, deterministically (a fixed seed) relative to
the day it first runs. A second call finds the demo venues and changes nothing.

This module writes the members, organisations, venues, spaces (with their rates), opening hours
and closures, and picks who books what. The tiers, plans, memberships and community fund come
from `demo.prices` (through the memberships services), the bookings from `demo.past` (written
directly, to the same rules and priced by the same rule) and `demo.upcoming` (through
`bookings.services`); the data is in `demo.people`, `demo.venues` and `demo.prices`.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from dateutil.easter import easter
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from schedule.models import Calendar

from bookings.models import Booking
from members.models import Member, Organisation, OrganisationMembership
from memberships.models import Plan
from spaces.intervals import Interval, subtract
from spaces.models import Closure, OpeningHours, Space, Venue
from spaces.open_hours import opening_intervals
from spaces.timezones import wall_time_to_utc

from .past import PAST_DAYS, PastBookings
from .people import (
    DESK_USERS,
    INDIVIDUAL_TITLES,
    INDIVIDUALS,
    LOGINS,
    ORGANISATIONS,
    STAFF,
    Activity,
)
from .prices import DemoPrices
from .upcoming import UpcomingBookings
from .venues import VENUES, SpaceSpec, VenueSpec

SEED = 20261122
RAMP_WEEKS = 14  # weeks after opening for sharing until a venue is fully in use
ZONE = ZoneInfo("Europe/London")

# While the demo is built nobody should be emailed: the console backend would flood `make run`.
# The demo's legal form of each kind of organisation (a CIC is named so).
LEGAL_FORMS: dict[str, str] = {
    Organisation.Kind.CHARITY: Organisation.LegalForm.CHARITY,
    Organisation.Kind.COMMUNITY_GROUP: Organisation.LegalForm.UNINCORPORATED,
    Organisation.Kind.SOCIAL_ENTERPRISE: Organisation.LegalForm.COMPANY_BY_GUARANTEE,
    Organisation.Kind.BUSINESS: Organisation.LegalForm.COMPANY_BY_SHARES,
    Organisation.Kind.FREELANCER: Organisation.LegalForm.SOLE_TRADER,
    Organisation.Kind.PUBLIC_BODY: Organisation.LegalForm.PUBLIC_BODY,
}
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


@dataclass
class DemoResult:
    created: bool
    counts: dict[str, int]


def is_loaded() -> bool:
    return Venue.objects.filter(slug__in=[venue.slug for venue in VENUES]).exists()


def load_demo(*, now: datetime | None = None) -> DemoResult:
    """Load the demo unless it is already there. Returns what was created (nothing on a second run)."""
    now = now or timezone.now()
    with override_settings(MAILERS=QUIET_MAIL), transaction.atomic():
        if is_loaded():
            return DemoResult(created=False, counts={})
        builder = DemoBuilder(now=now)
        builder.build()
    return DemoResult(created=True, counts=builder.counts())


def demo_password_hash(password: str) -> str:
    """A hash of a demo password that is cheap to make.

    The demo passwords are printed by `make run` and listed in the README, so a slow hash protects
    nothing; a full-strength PBKDF2 hash costs a third of a second each. Django sees the low
    iteration count at the first login and re-hashes the password at full strength.
    """
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=1000)
    return make_password(password)


def bank_holidays(year: int) -> dict[date, str]:
    """England and Wales bank holidays of `year`, with the weekday substitutes for weekend dates."""

    def next_weekday(day: date, taken: set[date]) -> date:
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        return day

    def first_monday(month: int) -> date:
        day = date(year, month, 1)
        return day + timedelta(days=(7 - day.weekday()) % 7)

    def last_monday(month: int) -> date:
        day = date(year, month + 1, 1) - timedelta(days=1)
        return day - timedelta(days=day.weekday())

    holidays = {
        next_weekday(date(year, 1, 1), set()): "New Year's Day",
        easter(year) - timedelta(days=2): "Good Friday",
        easter(year) + timedelta(days=1): "Easter Monday",
        first_monday(5): "Early May bank holiday",
        last_monday(5): "Spring bank holiday",
        last_monday(8): "Summer bank holiday",
    }
    christmas = next_weekday(date(year, 12, 25), set())
    holidays[christmas] = "Christmas Day"
    holidays[next_weekday(date(year, 12, 26), {christmas})] = "Boxing Day"
    return holidays


class DemoBuilder(DemoPrices, PastBookings, UpcomingBookings):
    """Writes the demo; the prices (plans, memberships, tiers, a community fund) and the past and
    the upcoming bookings are made by the three mixins.

    The state they share (and the helpers below that they call) is declared in `demo.state`.
    """

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.today = now.astimezone(ZONE).date()
        self.rng = random.Random(SEED)
        self.members = {}
        self.organisations = {}
        self.org_specs = {spec.slug: spec for spec in ORGANISATIONS}
        self.venue_specs = {spec.slug: spec for spec in VENUES}
        self.venues = {}
        self.spaces = {}
        self.hours: dict[str, list[OpeningHours]] = {}
        self.closures: dict[str, list[Closure]] = defaultdict(list)
        self.desk_taken = defaultdict(set)
        self.memberships = []
        self.funds = []
        self.used = defaultdict(Decimal)

    # People and organisations ---------------------------------------------------------------

    def build(self) -> None:
        self.create_members()
        self.create_organisations()
        for spec in VENUES:
            self.create_venue(spec)
        self.create_closures()
        self.create_prices()
        self.create_past_bookings()
        self.create_upcoming_bookings()

    def create_members(self) -> None:
        people: dict[str, str] = {}
        for spec in ORGANISATIONS:
            for email, name in spec.people:
                people.setdefault(email, name)
        people.update(dict(INDIVIDUALS))
        for login in LOGINS:
            people[login.email] = login.name
        hashes = {login: demo_password_hash(login.password) for login in LOGINS}
        logins = {login.email: login for login in LOGINS}
        joined = self.now - timedelta(days=PAST_DAYS + 30)
        rows = []
        for email, name in sorted(people.items()):
            demo_login = logins.get(email)
            rows.append(
                Member(
                    email=email,
                    display_name=name,
                    password=hashes[demo_login] if demo_login else make_password(None),
                    is_staff=demo_login is STAFF,
                    is_superuser=demo_login is STAFF,
                    date_joined=joined - timedelta(days=self.rng.randint(0, 400)),
                )
            )
        for member in Member.objects.bulk_create(rows):
            self.members[member.email] = member
        # Verified and primary, so the demo logins work at once with mandatory email verification.
        EmailAddress.objects.bulk_create(
            EmailAddress(user=member, email=member.email, verified=True, primary=True)
            for member in self.members.values()
        )

    def create_organisations(self) -> None:
        created = Organisation.objects.bulk_create(
            Organisation(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                org_id=spec.org_id,
                legal_form=(
                    Organisation.LegalForm.CIC
                    if spec.name.endswith(" CIC")
                    else LEGAL_FORMS[spec.kind]
                ),
                postcode_district=spec.district,
            )
            for spec in ORGANISATIONS
        )
        self.organisations = {org.slug: org for org in created}
        OrganisationMembership.objects.bulk_create(
            OrganisationMembership(
                organisation=self.organisations[spec.slug],
                member=self.members[email],
                role=OrganisationMembership.Role.ADMIN
                if position == 0
                else OrganisationMembership.Role.MEMBER,
            )
            for spec in ORGANISATIONS
            for position, (email, _name) in enumerate(spec.people)
        )

    # Venues, spaces, opening hours, closures ------------------------------------------------

    def create_venue(self, spec: VenueSpec) -> None:
        opened = self.today - timedelta(days=spec.opened_days_ago)
        opened -= timedelta(days=opened.weekday())  # venues open up on a Monday
        venue = Venue.objects.create(
            name=spec.name,
            slug=spec.slug,
            address=spec.address,
            postcode=spec.postcode,
            time_zone=ZONE.key,
            description=spec.description,
            accessibility_notes=spec.accessibility_notes,
            publish_busy_times=spec.publish_busy_times,
            publish_impact=spec.publish_impact,
            opened_for_sharing_on=opened,
            baseline_weekly_hours=Decimal(spec.baseline_weekly_hours),
            baseline_notes=spec.baseline_notes,
            peak_starts=spec.peak[0],
            peak_ends=spec.peak[1],
        )
        venue.managers.add(self.members[spec.manager.email])
        self.venues[spec.slug] = venue
        self.hours[spec.slug] = OpeningHours.objects.bulk_create(
            OpeningHours(venue=venue, weekday=weekday, opens=opens, closes=closes)
            for weekday, intervals in spec.hours.items()
            for opens, closes in intervals
        )
        spaces = Space.objects.bulk_create(
            Space(
                venue=venue,
                name=s.name,
                slug=s.slug,
                kind=s.kind,
                description=s.description,
                capacity=s.capacity,
                seats=s.seats,
                amenities="\n".join(s.amenities),
                step_free=s.step_free,
                hearing_loop=s.hearing_loop,
                accessible_toilet=s.accessible_toilet,
                quiet=s.quiet,
                slot_step=timedelta(minutes=s.slot_step),
                min_duration=timedelta(minutes=s.min_duration),
                max_duration=timedelta(minutes=s.max_duration),
                min_notice=timedelta(minutes=s.min_notice),
                horizon=timedelta(days=s.horizon_days),
                buffer_after=timedelta(minutes=s.buffer_after),
                requires_approval=s.requires_approval,
                # Desk pools release their no-shows, as a new one does (bookings.checkin).
                grace_period=Space.DESK_POOL_GRACE_PERIOD if s.seats > 1 else None,
                rate=Decimal(s.rate),
            )
            for s in spec.spaces
        )
        for space in spaces:
            space.full_clean()
            # The same calendar the booking service would create on first use (slug space-<pk>).
            space.calendar = Calendar.objects.create(
                name=f"{space.name} ({venue.name})", slug=f"space-{space.pk}"
            )
            self.spaces[(spec.slug, space.slug)] = space
        Space.objects.bulk_update(spaces, ["calendar"])

    def local(self, day: date, at: time) -> datetime:
        return wall_time_to_utc(day, at, ZONE)

    def create_closures(self) -> None:
        first, last = self.today - timedelta(days=PAST_DAYS), self.today + timedelta(days=120)
        rows = []
        for venue in self.venues.values():
            for year in range(first.year, last.year + 1):
                for day, name in sorted(bank_holidays(year).items()):
                    if first <= day <= last:
                        rows.append(
                            Closure(
                                venue=venue,
                                starts_at=self.local(day, time(0)),
                                ends_at=self.local(day + timedelta(days=1), time(0)),
                                reason=name,
                            )
                        )
        hall = self.spaces[("st-lukes", "main-hall")]
        kitchen = self.spaces[("neighbourhood-lab", "kitchen")]
        lab = self.venues["neighbourhood-lab"]
        funeral_past = self.weekday_on_or_after(self.today - timedelta(days=45), 3)
        funeral_next = self.weekday_on_or_after(self.today + timedelta(days=8), 3)
        boiler = self.weekday_on_or_after(self.today - timedelta(days=36), 1)
        deep_clean = self.weekday_on_or_after(self.today + timedelta(days=12), 0)
        for day in (funeral_past, funeral_next):
            rows.append(
                Closure(
                    venue=hall.venue,
                    space=hall,
                    starts_at=self.local(day, time(10)),
                    ends_at=self.local(day, time(15)),
                    reason="Funeral service",
                )
            )
        rows.append(
            Closure(
                venue=lab,
                starts_at=self.local(boiler, time(0)),
                ends_at=self.local(boiler + timedelta(days=1), time(0)),
                reason="Boiler replacement",
            )
        )
        rows.append(
            Closure(
                venue=lab,
                space=kitchen,
                starts_at=self.local(deep_clean, time(9)),
                ends_at=self.local(deep_clean, time(13)),
                reason="Deep clean and hygiene inspection",
            )
        )
        for closure in Closure.objects.bulk_create(rows):
            self.closures[closure.venue.slug].append(closure)

    @staticmethod
    def weekday_on_or_after(day: date, weekday: int) -> date:
        return day + timedelta(days=(weekday - day.weekday()) % 7)

    def open_intervals(self, venue_slug: str, space: Space, day: date) -> list[Interval]:
        """The space's open hours on a local date: opening hours minus closures of the venue or the space."""
        whole_day = Interval(self.local(day, time(0)), self.local(day + timedelta(days=1), time(0)))
        hours = opening_intervals(space.venue, whole_day, hours=self.hours[venue_slug])
        closed = [
            Interval(c.starts_at, c.ends_at)
            for c in self.closures[venue_slug]
            if c.space_id in (None, space.pk)
        ]
        return subtract(hours, closed)

    def slots(
        self, space: Space, spec: SpaceSpec, day: date, venue_slug: str, length: timedelta
    ) -> list[Interval]:
        """Every slot of `length` on `day` that starts on a slot step and fits inside open hours."""
        step = timedelta(minutes=spec.slot_step)
        found = []
        for interval in self.open_intervals(venue_slug, space, day):
            start = interval.start
            while start + length <= interval.end:
                local = start.astimezone(ZONE)
                if timedelta(hours=local.hour, minutes=local.minute) % step == timedelta(0):
                    found.append(Interval(start, start + length))
                start += step
        return found

    # Who books what --------------------------------------------------------------------------

    def pick_desk_user(self, day: date) -> tuple[Member, Organisation | None] | None:
        """Someone without a desk on `day` yet (one desk a day each), or None if everyone has one."""
        free = [user for user in DESK_USERS if user[0] not in self.desk_taken[day]]
        if not free:
            return None
        email, org_slug, _weight = self.rng.choices(free, weights=[user[2] for user in free])[0]
        self.desk_taken[day].add(email)
        return self.members[email], self.organisations[org_slug] if org_slug else None

    def pick_hirer(
        self, spec: SpaceSpec, day: date
    ) -> tuple[Member, Organisation | None, str, str] | None:
        """A booker, their organisation (or None), a title and an activity for a booking of this space."""
        if spec.seats > 1:
            desk_user = self.pick_desk_user(day)
            if desk_user is None:
                return None
            return *desk_user, "Hot desk", Activity.ENTERPRISE
        slug = self.rng.choice(spec.hirers)
        if not slug:
            email = self.rng.choice([email for email, _ in INDIVIDUALS])
            return (
                self.members[email],
                None,
                self.rng.choice(INDIVIDUAL_TITLES),
                Activity.ENTERPRISE,
            )
        org_spec = self.org_specs[slug]
        people = org_spec.people
        # Organisation admins make most of the bookings.
        email = (
            people[0][0]
            if len(people) == 1 or self.rng.random() < 0.6
            else self.rng.choice(people[1:])[0]
        )
        return (
            self.members[email],
            self.organisations[slug],
            self.rng.choice(org_spec.titles),
            org_spec.activity,
        )

    def attendees(self, spec: SpaceSpec) -> int:
        if spec.seats > 1:
            return 1
        return self.rng.randint(max(1, spec.capacity // 3), spec.capacity)

    def use_level(self, venue: Venue, day: date) -> float:
        """0 before the venue opened for sharing, then rising to 1 over RAMP_WEEKS."""
        opened = venue.opened_for_sharing_on
        assert opened is not None  # every demo venue gets one in create_venue
        if day < opened:
            return 0.0
        weeks = (day - opened).days / 7
        return min(1.0, 0.25 + 0.75 * weeks / RAMP_WEEKS)

    def how_many(self, spec: SpaceSpec, level: float, day: date) -> int:
        """A binomial draw around the space's daily bookings, fewer at weekends.

        A desk pool gets at most `seats` bookings a day, so it can never hold more than its seats.
        """
        mean = spec.daily_bookings * level * (0.35 if day.weekday() >= 5 else 1.0)
        trials = max(spec.seats, 6)
        return sum(self.rng.random() < mean / trials for _ in range(trials))

    def counts(self) -> dict[str, int]:
        venues = list(self.venues.values())
        bookings = Booking.objects.filter(space__venue__in=venues)
        return {
            "venues": len(venues),
            "spaces": len(self.spaces),
            "organisations": len(self.organisations),
            "members": len(self.members),
            "plans": Plan.objects.filter(venue__in=venues).count(),
            "memberships": len(self.memberships),
            "community fund" if len(self.funds) == 1 else "community funds": len(self.funds),
            "past bookings": bookings.filter(starts_at__lt=self.now).count(),
            "upcoming bookings": bookings.filter(starts_at__gte=self.now).count(),
            "requests awaiting approval": bookings.filter(status=Booking.Status.PENDING).count(),
        }
