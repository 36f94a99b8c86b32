"""Six months of past demo bookings, written directly with bulk_create.

The booking rules rightly refuse the past, so these rows skip `bookings.services`; the generator
keeps them to the same rules (opening hours and closures in the venue's zone, slot steps,
durations, capacity, buffers, no overlap in exclusive spaces, never more desk bookings than seats)
and prices each by the same rule (`demo.prices`: memberships.prices.quote, allowances and the
community fund counted as the service counts them).
"""

import random
from collections import defaultdict
from datetime import date, time, timedelta

from django.db.models import F
from schedule.models import Event

from bookings.models import Booking
from members.models import Member, Organisation
from spaces.intervals import Interval
from spaces.models import Space

from .people import CANCELLATION_REASONS, DECLINE_REASONS
from .state import DemoState
from .venues import VENUES, RegularSpec, SpaceSpec, VenueSpec

PAST_DAYS = 182


class PastBookings(DemoState):
    """Mixed into `demo.build.DemoBuilder`; uses its members, spaces, random numbers and slots."""

    def create_past_bookings(self) -> None:
        bookings: list[Booking] = []
        for venue_spec in VENUES:
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
        self.at_the_door(bookings)
        self.mirror_events([b for b in bookings if b.status in Booking.ACTIVE_STATUSES])
        Booking.objects.bulk_create(bookings, batch_size=500)
        self.backdate()

    def past_regular(
        self,
        venue_spec: VenueSpec,
        space: Space,
        spec: SpaceSpec,
        regular: RegularSpec,
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
        venue_spec: VenueSpec,
        space: Space,
        spec: SpaceSpec,
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
        venue_spec: VenueSpec,
        space: Space,
        spec: SpaceSpec,
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
                booking.decision_reason = self.rng.choice(DECLINE_REASONS)
            booking.sequence = 1
        if status == Booking.Status.CANCELLED:
            booking.cancelled_by, booking.cancelled_at = booker, slot.start - lead / 3
            booking.cancellation_reason = self.rng.choice(CANCELLATION_REASONS)
            booking.sequence += 1
        if booking.status in Booking.ACTIVE_STATUSES and space.seats == 1:
            held.append(Interval(booking.starts_at, booking.blocked_until))
        self.price_past(booking)
        return booking

    @staticmethod
    def at_the_door(bookings: list[Booking]) -> None:
        """Check-in where the space releases no-shows (the desk pools): about nine in ten
        confirmed bookings were checked in, from ten minutes early to a quarter of an hour late;
        the others were released as no-shows. Its own random numbers, so the rest of the demo
        is the same with or without it."""
        door = random.Random(14)
        for booking in bookings:
            if booking.status != Booking.Status.CONFIRMED or booking.space.grace_period is None:
                continue
            if door.random() < 0.9:
                booking.checked_in_at = booking.starts_at + timedelta(minutes=door.randint(-10, 15))
                booking.checked_in_by = booking.booker
            else:
                booking.status = Booking.Status.NO_SHOW
                booking.sequence += 1

    @staticmethod
    def lead_time(spec: SpaceSpec) -> timedelta:
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
        for venue_spec in VENUES:
            for spec in venue_spec.spaces:
                lead = self.lead_time(spec)
                past = Booking.objects.filter(
                    space=self.spaces[(venue_spec.slug, spec.slug)], starts_at__lt=midnight
                )
                past.update(created_at=F("starts_at") - lead, updated_at=F("starts_at") - lead)
                past.filter(sequence__gt=0).update(updated_at=F("starts_at") - lead / 3)
