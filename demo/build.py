"""Build the demo neighbourhood: two Ladywood venues, their people and six months of bookings.

`load_demo()` writes everything in one transaction, deterministically (a fixed seed) relative to
the day it first runs. A second call finds the demo venues and changes nothing.

Past bookings are written directly with bulk_create, because the booking rules rightly refuse
the past; the generator keeps them to the same rules (opening hours and closures in the venue's
zone, slot steps, durations, capacity, buffers, no overlap in exclusive spaces, never more desk
bookings than seats). Upcoming bookings go through `bookings.services`, so the rules, the
django-scheduler mirror and the approval flow apply exactly as for a member.
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
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone
from schedule.models import Calendar, Event

from bookings.models import Booking
from bookings.services import (
    BookingError,
    approve_booking,
    cancel_booking,
    decline_booking,
    request_booking,
)
from members.models import Member, Organisation, OrganisationMembership
from spaces.availability import opening_intervals
from spaces.intervals import Interval, subtract
from spaces.models import Closure, OpeningHours, Space, Venue
from spaces.timezones import wall_time_to_utc

from . import venues as data

SEED = 20261122
PAST_DAYS = 182
UPCOMING_DAYS = 21
RAMP_WEEKS = 14  # weeks after opening for sharing until a venue is fully in use
ZONE = ZoneInfo("Europe/London")

# While the demo is built nobody should be emailed: the console backend would flood `make run`.
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


@dataclass
class DemoResult:
    created: bool
    counts: dict[str, int]


def is_loaded() -> bool:
    return Venue.objects.filter(slug__in=[venue.slug for venue in data.VENUES]).exists()


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


class DemoBuilder:
    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.today = now.astimezone(ZONE).date()
        self.rng = random.Random(SEED)
        self.members: dict[str, Member] = {}
        self.organisations: dict[str, Organisation] = {}
        self.org_specs = {spec.slug: spec for spec in data.ORGANISATIONS}
        self.venue_specs = {spec.slug: spec for spec in data.VENUES}
        self.venues: dict[str, Venue] = {}
        self.spaces: dict[tuple[str, str], Space] = {}
        self.hours: dict[str, list[OpeningHours]] = {}
        self.closures: dict[str, list[Closure]] = defaultdict(list)
        self.desk_taken: dict[date, set[str]] = defaultdict(set)

    # People and organisations ---------------------------------------------------------------

    def build(self) -> None:
        self.create_members()
        self.create_organisations()
        for spec in data.VENUES:
            self.create_venue(spec)
        self.create_closures()
        self.create_past_bookings()
        self.create_upcoming_bookings()

    def create_members(self) -> None:
        people: dict[str, str] = {}
        for spec in data.ORGANISATIONS:
            for email, name in spec.people:
                people.setdefault(email, name)
        people.update(dict(data.INDIVIDUALS))
        for login in data.LOGINS:
            people[login.email] = login.name
        hashes = {login: demo_password_hash(login.password) for login in data.LOGINS}
        logins = {login.email: login for login in data.LOGINS}
        joined = self.now - timedelta(days=PAST_DAYS + 30)
        rows = []
        for email, name in sorted(people.items()):
            login = logins.get(email)
            rows.append(
                Member(
                    email=email,
                    display_name=name,
                    password=hashes[login] if login else make_password(None),
                    is_staff=login is data.STAFF,
                    is_superuser=login is data.STAFF,
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
                charity_number=spec.charity_number,
                postcode_district=spec.district,
            )
            for spec in data.ORGANISATIONS
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
            for spec in data.ORGANISATIONS
            for position, (email, _name) in enumerate(spec.people)
        )

    # Venues, spaces, opening hours, closures ------------------------------------------------

    def create_venue(self, spec: data.VenueSpec) -> None:
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
        self, space: Space, spec: data.SpaceSpec, day: date, venue_slug: str, length: timedelta
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
        free = [user for user in data.DESK_USERS if user[0] not in self.desk_taken[day]]
        if not free:
            return None
        email, org_slug, _weight = self.rng.choices(free, weights=[user[2] for user in free])[0]
        self.desk_taken[day].add(email)
        return self.members[email], self.organisations[org_slug] if org_slug else None

    def pick_hirer(
        self, spec: data.SpaceSpec, day: date
    ) -> tuple[Member, Organisation | None, str, str] | None:
        """A booker, their organisation (or None), a title and an activity for a booking of this space."""
        if spec.seats > 1:
            desk_user = self.pick_desk_user(day)
            if desk_user is None:
                return None
            return *desk_user, "Hot desk", data.Activity.ENTERPRISE
        slug = self.rng.choice(spec.hirers)
        if not slug:
            email = self.rng.choice([email for email, _ in data.INDIVIDUALS])
            return (
                self.members[email],
                None,
                self.rng.choice(data.INDIVIDUAL_TITLES),
                data.Activity.ENTERPRISE,
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

    def attendees(self, spec: data.SpaceSpec) -> int:
        if spec.seats > 1:
            return 1
        return self.rng.randint(max(1, spec.capacity // 3), spec.capacity)

    def use_level(self, venue: Venue, day: date) -> float:
        """0 before the venue opened for sharing, then rising to 1 over RAMP_WEEKS."""
        if day < venue.opened_for_sharing_on:
            return 0.0
        weeks = (day - venue.opened_for_sharing_on).days / 7
        return min(1.0, 0.25 + 0.75 * weeks / RAMP_WEEKS)

    def how_many(self, spec: data.SpaceSpec, level: float, day: date) -> int:
        """A binomial draw around the space's daily bookings, fewer at weekends.

        A desk pool gets at most `seats` bookings a day, so it can never hold more than its seats.
        """
        mean = spec.daily_bookings * level * (0.35 if day.weekday() >= 5 else 1.0)
        trials = max(spec.seats, 6)
        return sum(self.rng.random() < mean / trials for _ in range(trials))

    # Past bookings: written directly, to the same rules -------------------------------------

    def create_past_bookings(self) -> None:
        bookings: list[Booking] = []
        for venue_spec in data.VENUES:
            venue = self.venues[venue_spec.slug]
            regulars = defaultdict(list)
            for regular in venue_spec.regulars:
                regulars[(regular.space, regular.weekday)].append(regular)
            for offset in range(PAST_DAYS, 0, -1):
                day = self.today - timedelta(days=offset)
                level = self.use_level(venue, day)
                for spec in venue_spec.spaces:
                    space = self.spaces[(venue_spec.slug, spec.slug)]
                    held: list[Interval] = []
                    for regular in regulars[(spec.slug, day.weekday())]:
                        booking = self.past_regular(venue_spec, space, spec, regular, day, held)
                        if booking:
                            bookings.append(booking)
                    for _ in range(self.how_many(spec, level, day)):
                        booking = self.past_booking(venue_spec, space, spec, day, held)
                        if booking:
                            bookings.append(booking)
        self.mirror_events([b for b in bookings if b.status in Booking.ACTIVE_STATUSES])
        Booking.objects.bulk_create(bookings, batch_size=500)
        self.backdate()

    def past_regular(
        self,
        venue_spec: data.VenueSpec,
        space: Space,
        spec: data.SpaceSpec,
        regular: data.RegularSpec,
        day: date,
        held: list[Interval],
    ) -> Booking | None:
        wanted = Interval(self.local(day, regular.starts), self.local(day, regular.ends))
        if (
            wanted not in self.slots(space, spec, day, venue_spec.slug, wanted.duration)
            or self.rng.random() < 0.06
        ):
            return None  # closed that day (a bank holiday, a funeral), or the group took a week off
        org_spec = self.org_specs[regular.organisation]
        return self.past_row(
            venue_spec,
            space,
            spec,
            wanted,
            held,
            booker=self.members[org_spec.people[0][0]],
            organisation=self.organisations[regular.organisation],
            title=regular.title,
            activity=org_spec.activity,
            attendees=regular.attendees,
            confirmed_only=True,
        )

    def past_booking(
        self,
        venue_spec: data.VenueSpec,
        space: Space,
        spec: data.SpaceSpec,
        day: date,
        held: list[Interval],
    ) -> Booking | None:
        length = timedelta(minutes=self.rng.choice(spec.usual_lengths))
        buffer = space.buffer_after
        free = [
            slot
            for slot in self.slots(space, spec, day, venue_spec.slug, length)
            if spec.seats > 1
            or not any(Interval(slot.start, slot.end + buffer).overlaps(h) for h in held)
        ]
        if not free:
            return None
        if spec.seats > 1:
            free = free[: max(1, len(free) // 3)]  # desk users arrive in the morning
        hirer = self.pick_hirer(spec, day)
        if hirer is None:
            return None
        booker, organisation, title, activity = hirer
        return self.past_row(
            venue_spec,
            space,
            spec,
            self.rng.choice(free),
            held,
            booker=booker,
            organisation=organisation,
            title=title,
            activity=activity,
            attendees=self.attendees(spec),
        )

    def past_row(
        self,
        venue_spec: data.VenueSpec,
        space: Space,
        spec: data.SpaceSpec,
        slot: Interval,
        held: list[Interval],
        *,
        booker: Member,
        organisation: Organisation | None,
        title: str,
        activity: str,
        attendees: int,
        confirmed_only: bool = False,
    ) -> Booking:
        manager = self.members[venue_spec.manager.email]
        roll = 0.0 if confirmed_only else self.rng.random()
        status = Booking.Status.CONFIRMED
        if spec.requires_approval and roll > 0.9:
            status = Booking.Status.DECLINED
        elif roll > 0.9 or (spec.requires_approval and roll > 0.8):
            status = Booking.Status.CANCELLED
        booking = Booking(
            space=space,
            booker=booker,
            organisation=organisation,
            starts_at=slot.start,
            ends_at=slot.end,
            blocked_until=slot.end + space.buffer_after,
            exclusive=space.seats == 1,
            status=status,
            title=title,
            activity=activity,
            attendees=attendees,
            purpose=self.org_specs[organisation.slug].about
            if organisation and spec.requires_approval
            else "",
        )
        lead = self.lead_time(spec)
        if spec.requires_approval:
            booking.decided_by, booking.decided_at = manager, slot.start - lead / 2
            if status == Booking.Status.DECLINED:
                booking.decision_reason = self.rng.choice(data.DECLINE_REASONS)
            booking.sequence = 1
        if status == Booking.Status.CANCELLED:
            booking.cancelled_by, booking.cancelled_at = booker, slot.start - lead / 3
            booking.cancellation_reason = self.rng.choice(data.CANCELLATION_REASONS)
            booking.sequence += 1
        if booking.status in Booking.ACTIVE_STATUSES and space.seats == 1:
            held.append(Interval(booking.starts_at, booking.blocked_until))
        return booking

    @staticmethod
    def lead_time(spec: data.SpaceSpec) -> timedelta:
        """How long before it starts such a booking is usually made."""
        if spec.seats > 1:
            return timedelta(days=2)
        if spec.requires_approval:
            return timedelta(days=21)
        return timedelta(days=6)

    def mirror_events(self, bookings: list[Booking]) -> None:
        """The django-scheduler Event each active booking has on its space's calendar, as the service makes."""
        events = Event.objects.bulk_create(
            [
                Event(
                    calendar_id=b.space.calendar_id,
                    start=b.starts_at,
                    end=b.ends_at,
                    title=b.title[:255],
                    description=b.purpose,
                    creator=b.booker,
                )
                for b in bookings
            ],
            batch_size=500,
        )
        for booking, event in zip(bookings, events, strict=True):
            booking.event = event

    def backdate(self) -> None:
        """Give past bookings believable created/updated times (bulk_create stamps them all with now)."""
        midnight = self.local(self.today, time(0))
        for venue_spec in data.VENUES:
            for spec in venue_spec.spaces:
                lead = self.lead_time(spec)
                past = Booking.objects.filter(
                    space=self.spaces[(venue_spec.slug, spec.slug)], starts_at__lt=midnight
                )
                past.update(created_at=F("starts_at") - lead, updated_at=F("starts_at") - lead)
                past.filter(sequence__gt=0).update(updated_at=F("starts_at") - lead / 3)

    # Upcoming bookings: through the booking service -----------------------------------------

    def request(self, space: Space, slot: Interval, **fields) -> Booking | None:
        """request_booking, or None when a rule refuses (too soon, closed, already taken...)."""
        try:
            return request_booking(
                space=space, starts_at=slot.start, ends_at=slot.end, now=self.now, **fields
            )
        except BookingError:
            return None

    def first_free(
        self, venue_slug: str, space_slug: str, days: range, starts: time, ends: time, **fields
    ) -> Booking | None:
        """Book the first of `days` (days from today) on which [starts, ends) is free."""
        space = self.spaces[(venue_slug, space_slug)]
        for offset in days:
            day = self.today + timedelta(days=offset)
            booking = self.request(
                space, Interval(self.local(day, starts), self.local(day, ends)), **fields
            )
            if booking:
                return booking
        return None

    def create_upcoming_bookings(self) -> None:
        self.book_for_personas()
        self.book_regulars()
        self.book_at_random()
        self.decide_requests()

    def book_for_personas(self) -> None:
        """Make sure each demo login has something to look at."""
        amira = self.members[data.FREELANCER.email]
        joseph = self.members[data.CHARITY_ADMIN.email]
        food_share = self.organisations["ladywood-food-share"]
        desks = self.spaces[("st-lukes", "hot-desks")]
        weekdays = [self.today + timedelta(days=n) for n in range(1, 8)]
        for day in [day for day in weekdays if day.weekday() < 5][:4]:
            self.desk_taken[day].add(amira.email)
            self.request(
                desks,
                Interval(self.local(day, time(9)), self.local(day, time(17))),
                booker=amira,
                title="Hot desk",
                activity=data.Activity.ENTERPRISE,
                organisation=self.organisations["amira-khan-illustration"],
            )
        self.first_free(
            "st-lukes",
            "vestry",
            range(2, 10),
            time(14),
            time(15, 30),
            booker=amira,
            title="Picture book client meeting",
            activity=data.Activity.ARTS,
            attendees=3,
            organisation=self.organisations["amira-khan-illustration"],
        )
        self.first_free(
            "st-lukes",
            "chancel-room",
            range(3, 12),
            time(18),
            time(19, 30),
            booker=joseph,
            organisation=food_share,
            title="Trustees' meeting",
            activity=data.Activity.SOCIAL,
            attendees=8,
        )
        # Requests the managers will find waiting.
        self.first_free(
            "st-lukes",
            "main-hall",
            range(15, 35),
            time(11),
            time(15),
            booker=joseph,
            organisation=food_share,
            title="Volunteers' thank-you lunch",
            activity=data.Activity.SOCIAL,
            attendees=60,
            purpose="A lunch for our 50 volunteers and their families, with a short awards ceremony.",
        )
        self.first_free(
            "neighbourhood-lab",
            "kitchen",
            range(10, 30),
            time(10),
            time(13),
            booker=joseph,
            organisation=food_share,
            title="Cooking on a budget",
            activity=data.Activity.HEALTH,
            attendees=10,
            purpose="A hands-on class: three meals for a family of four for under ten pounds.",
        )

    def book_regulars(self) -> None:
        for venue_spec in data.VENUES:
            for regular in venue_spec.regulars:
                org_spec = self.org_specs[regular.organisation]
                for offset in range(UPCOMING_DAYS):
                    day = self.today + timedelta(days=offset)
                    if day.weekday() == regular.weekday:
                        self.first_free(
                            venue_spec.slug,
                            regular.space,
                            range(offset, offset + 1),
                            regular.starts,
                            regular.ends,
                            booker=self.members[org_spec.people[0][0]],
                            organisation=self.organisations[regular.organisation],
                            title=regular.title,
                            activity=org_spec.activity,
                            attendees=regular.attendees,
                        )

    def book_at_random(self) -> None:
        for venue_spec in data.VENUES:
            for offset in range(UPCOMING_DAYS):
                day = self.today + timedelta(days=offset)
                for spec in venue_spec.spaces:
                    level = self.booked_ahead(spec, offset)
                    space = self.spaces[(venue_spec.slug, spec.slug)]
                    for _ in range(self.how_many(spec, level, day)):
                        length = timedelta(minutes=self.rng.choice(spec.usual_lengths))
                        slots = self.slots(space, spec, day, venue_spec.slug, length)
                        if spec.seats > 1:
                            slots = slots[: max(1, len(slots) // 3)]
                        if not slots:
                            continue
                        hirer = self.pick_hirer(spec, day)
                        if hirer is None:
                            continue
                        booker, organisation, title, activity = hirer
                        self.request(
                            space,
                            self.rng.choice(slots),
                            booker=booker,
                            organisation=organisation,
                            title=title,
                            activity=activity,
                            attendees=self.attendees(spec),
                            purpose=self.org_specs[organisation.slug].about if organisation else "",
                        )

    @staticmethod
    def booked_ahead(spec: data.SpaceSpec, days_ahead: int) -> float:
        """How much of a future day is booked already: desks fill in the last week, rooms over three,
        and halls and kitchens (which need approval) are requested well ahead."""
        if spec.requires_approval:
            return 0.8
        if spec.seats > 1:
            return max(0.05, 1 - days_ahead / 7)
        return max(0.15, 1 - days_ahead / UPCOMING_DAYS)

    def decide_requests(self) -> None:
        """Managers approve the requests for the coming week, decline one, and a booker cancels one."""
        pending = list(
            Booking.objects.filter(
                status=Booking.Status.PENDING, space__venue__in=self.venues.values()
            )
            .exclude(booker=self.members[data.CHARITY_ADMIN.email])
            .select_related("space__venue")
            .order_by("starts_at")
        )
        soon = self.now + timedelta(days=8)
        for booking in pending:
            manager = self.members[self.venue_specs[booking.space.venue.slug].manager.email]
            if booking.starts_at < soon:
                approve_booking(booking=booking, by=manager, now=self.now)
        later = [b for b in pending if b.starts_at >= soon]
        if len(later) > 2:
            booking = later[-1]
            manager = self.members[self.venue_specs[booking.space.venue.slug].manager.email]
            decline_booking(
                booking=booking, by=manager, reason=data.DECLINE_REASONS[0], now=self.now
            )
        confirmed = (
            Booking.objects.filter(
                status=Booking.Status.CONFIRMED, starts_at__gt=self.now, space__slug="chancel-room"
            )
            .exclude(booker__email__in=[login.email for login in data.LOGINS])
            .order_by("starts_at")
            .last()
        )
        if confirmed:
            cancel_booking(
                booking=confirmed,
                by=confirmed.booker,
                reason="Moved online this week.",
                now=self.now,
            )

    def counts(self) -> dict[str, int]:
        venues = list(self.venues.values())
        bookings = Booking.objects.filter(space__venue__in=venues)
        return {
            "venues": len(venues),
            "spaces": len(self.spaces),
            "organisations": len(self.organisations),
            "members": len(self.members),
            "past bookings": bookings.filter(starts_at__lt=self.now).count(),
            "upcoming bookings": bookings.filter(starts_at__gte=self.now).count(),
            "requests awaiting approval": bookings.filter(status=Booking.Status.PENDING).count(),
        }
