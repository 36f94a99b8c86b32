"""Three weeks of upcoming demo bookings, made through `bookings.services`, so the rules, the
django-scheduler mirror, the approval flow and the prices apply exactly as for a member. A request that a
rule refuses is not made.
"""

from datetime import time, timedelta

from bookings.models import Booking
from bookings.services import (
    BookingError,
    approve_booking,
    cancel_booking,
    decline_booking,
    request_booking,
)
from spaces.intervals import Interval
from spaces.models import Space

from .people import CHARITY_ADMIN, DECLINE_REASONS, FREELANCER, LOGINS, Activity
from .state import DemoState
from .venues import VENUES, SpaceSpec

UPCOMING_DAYS = 21


class UpcomingBookings(DemoState):
    """Mixed into `demo.build.DemoBuilder`; uses its members, spaces, random numbers and slots."""

    def request(self, space: Space, slot: Interval, **fields) -> Booking | None:
        """request_booking, or None when a rule refuses (too soon, closed, already taken...).

        The booker uses their group's community fund or a membership when one applies
        (`demo.prices`); should the service refuse it, they book without it, at the rate."""
        paid = self.paid_with(
            space=space,
            booker=fields["booker"],
            organisation=fields.get("organisation"),
            starts_at=slot.start,
            ends_at=slot.end,
        )
        for membership, fund in (
            ((paid.membership, paid.fund), (None, None)) if paid else ((None, None),)
        ):
            try:
                booking = request_booking(
                    space=space,
                    starts_at=slot.start,
                    ends_at=slot.end,
                    now=self.now,
                    membership=membership,
                    fund=fund,
                    **fields,
                )
            except BookingError as error:
                if error.field == "membership" and (membership or fund):
                    continue
                return None
            self.record(booking)
            return booking
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
        amira = self.members[FREELANCER.email]
        joseph = self.members[CHARITY_ADMIN.email]
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
                activity=Activity.ENTERPRISE,
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
            activity=Activity.ARTS,
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
            activity=Activity.SOCIAL,
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
            activity=Activity.SOCIAL,
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
            activity=Activity.HEALTH,
            attendees=10,
            purpose="A hands-on class: three meals for a family of four for under ten pounds.",
        )

    def book_regulars(self) -> None:
        for venue_spec in VENUES:
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
        for venue_spec in VENUES:
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
    def booked_ahead(spec: SpaceSpec, days_ahead: int) -> float:
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
            .exclude(booker=self.members[CHARITY_ADMIN.email])
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
            decline_booking(booking=booking, by=manager, reason=DECLINE_REASONS[0], now=self.now)
        confirmed = (
            Booking.objects.filter(
                status=Booking.Status.CONFIRMED, starts_at__gt=self.now, space__slug="chancel-room"
            )
            .exclude(booker__email__in=[login.email for login in LOGINS])
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
