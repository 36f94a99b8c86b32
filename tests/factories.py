"""factory-boy factories: fixed, round times; one venue open 09:00–17:00 every day unless a test says otherwise."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils.text import slugify

from bookings.models import Booking, Series, WaitlistEntry
from feeds.models import DisplayLink
from members.models import Member, Organisation, OrganisationMembership
from memberships.models import CommunityFund, OrganisationKindTier, Plan, Tier
from spaces.models import Closure, OpeningHours, Space, Venue


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Ladywood Group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.CHARITY
    postcode_district = "B16"


class OrganisationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    member = factory.SubFactory(MemberFactory)
    role = OrganisationMembership.Role.MEMBER


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Venue {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    address = "1 Ladywood Road, Birmingham"
    postcode = "B16 8AA"
    time_zone = "Europe/London"

    @factory.post_generation
    def open_every_day(obj, create, extracted, **kwargs):  # noqa: N805
        """Open 09:00–17:00 all week, unless created with open_every_day=False."""
        if create and extracted is not False:
            OpeningHours.objects.bulk_create(
                OpeningHours(venue=obj, weekday=day, opens=time(9), closes=time(17))
                for day in range(7)
            )


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    venue = factory.SubFactory(VenueFactory, open_every_day=False)
    weekday = 0
    opens = time(9)
    closes = time(17)


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Space.Kind.MEETING_ROOM
    capacity = 12
    seats = 1
    min_duration = timedelta(minutes=30)
    max_duration = timedelta(hours=8)
    slot_step = timedelta(minutes=30)
    min_notice = timedelta(0)
    horizon = timedelta(days=365)
    buffer_after = timedelta(0)


class DeskPoolFactory(SpaceFactory):
    name = factory.Sequence(lambda n: f"Hot desks {n}")
    kind = Space.Kind.DESK_POOL
    capacity = 5
    seats = 5


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    venue = factory.SubFactory(VenueFactory)
    starts_at = datetime(2027, 1, 4, 12, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    reason = "Boiler repair"


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row written directly (no rules checked): for setting the scene. Use the services to test rules."""

    class Meta:
        model = Booking

    space = factory.SubFactory(SpaceFactory)
    booker = factory.SubFactory(MemberFactory)
    starts_at = datetime(2027, 1, 5, 10, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at + o.space.buffer_after)
    exclusive = factory.LazyAttribute(lambda o: o.space.seats == 1)
    status = Booking.Status.CONFIRMED
    title = factory.Sequence(lambda n: f"Booking {n}")
    attendees = 1


class OrganisationAdminFactory(OrganisationMembershipFactory):
    """An organisation admin: changes its details and people, sees its bookings and statements."""

    role = OrganisationMembership.Role.ADMIN


class PricedBookingFactory(BookingFactory):
    """A confirmed booking with the price it was given (full rate unless a test says otherwise)."""

    price = Decimal("12.50")
    full_price = factory.LazyAttribute(lambda o: o.price)
    price_basis = Booking.PriceBasis.FULL


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan written directly (its allowances are the test's): use memberships.plans to test rules."""

    class Meta:
        model = Plan

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    space_kinds = factory.LazyFunction(lambda: [Space.Kind.MEETING_ROOM])
    booking_window = timedelta(days=90)
    tier = Tier.FULL
    reduction_percent = None


class CommunityFundFactory(factory.django.DjangoModelFactory):
    """40 hours granted to a group for the spring term of 2027 (pass hours=None, amount=...
    for money)."""

    class Meta:
        model = CommunityFund

    venue = factory.SubFactory(VenueFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    name = "Spring term"
    hours = Decimal(40)
    amount = None
    starts_on = date(2027, 1, 1)
    ends_on = date(2027, 3, 31)


class OrganisationKindTierFactory(factory.django.DjangoModelFactory):
    """A charity rate: 50 % off at the venue."""

    class Meta:
        model = OrganisationKindTier

    venue = factory.SubFactory(VenueFactory)
    organisation_kind = Organisation.Kind.CHARITY
    tier = Tier.REDUCED
    reduction_percent = factory.LazyAttribute(
        lambda o: Decimal(50) if o.tier == Tier.REDUCED else None
    )


class SeriesFactory(factory.django.DjangoModelFactory):
    """A weekly series' rule written directly, from Tuesday 5 January 2027 at 10:00 for an
    hour, 3 times; its dates are BookingFactory rows with `series=` (the test's own)."""

    class Meta:
        model = Series

    space = factory.SubFactory(SpaceFactory)
    booker = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Series {n}")
    starts_on = date(2027, 1, 5)
    start_time = time(10)
    duration = timedelta(hours=1)
    frequency = Series.Frequency.WEEKLY
    count = 3


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    """A member waiting for a time (written directly: use bookings.waitlists to test the rules)."""

    class Meta:
        model = WaitlistEntry

    space = factory.SubFactory(SpaceFactory)
    member = factory.SubFactory(MemberFactory)
    starts_at = datetime(2027, 1, 5, 10, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    title = factory.Sequence(lambda n: f"Waiting {n}")


class DisplayLinkFactory(factory.django.DjangoModelFactory):
    """A live display link of a venue (the today page on a screen in the hall)."""

    class Meta:
        model = DisplayLink

    venue = factory.SubFactory(VenueFactory)
    name = "Entrance tablet"
    created_by = factory.SubFactory(MemberFactory)
