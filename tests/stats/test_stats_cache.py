"""The stats kept in the shared cache (stats/cache.py): nothing changed, they come from the cache
in two queries; any change the figures depend on gives a new key, so the figures served are
always compute_stats' own. One test per kind of change."""

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation

from bookings.models import Booking
from bookings.services import cancel_booking
from members.models import Organisation
from members.organisations import save_details
from spaces.models import (
    CalendarImport,
    OpeningException,
    OpeningHours,
    Space,
    Unavailability,
    Venue,
)
from stats import cache as stats_cache
from stats.cache import cached_stats, stats_key
from stats.disclosure import public_figures
from stats.figures import PackedDaily, Stats, Use
from stats.occupancy import compute_stats, daily_rows
from stats.periods import Period
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    CommunityFundFactory,
    DeskPoolFactory,
    MemberFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    PricedBookingFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db

WEEK = Period(date(2027, 1, 4), date(2027, 1, 10))  # in January London is on UTC


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC)


def figures(stats: Stats) -> dict:
    """Every figure of `stats`, as plain values to compare."""
    uses = lambda table: {key: asdict(use) for key, use in table.items()}  # noqa: E731
    return {
        "total": asdict(stats.total),
        "rooms": asdict(stats.rooms),
        "desks": asdict(stats.desks),
        "by_space": uses(stats.by_space),
        "daily": {key: asdict(stats.daily[key]) for key in stats.daily},
        "monthly": uses(stats.monthly),
        "heatmap": uses(stats.heatmap),
        "desk_heatmap": uses(stats.desk_heatmap),
        "by_kind": uses(stats.by_kind),
        "by_activity": uses(stats.by_activity),
        "kind_by_month": dict(stats.kind_by_month),
        "desk_kind_by_month": dict(stats.desk_kind_by_month),
        "by_price": uses(stats.by_price),
        "counts": (
            stats.hirings,
            stats.participant_visits,
            stats.pending,
            stats.declined,
            stats.cancelled,
            stats.hirers,
            stats.new_hirers,
            stats.returning_hirers,
        ),
        "hirers_by_district": dict(stats.hirers_by_district),
        "hirings_by_space": dict(stats.hirings_by_space),
        "fund_money_drawn": stats.fund_money_drawn,
        "spaces": [(space.pk, space.name, space.seats) for space in stats.spaces],
        "before": figures(stats.before) if stats.before is not None else None,
    }


@pytest.fixture
def scene(venue, room):
    """A room and a desk pool with bookings of two organisations and a member on their own."""
    desks = DeskPoolFactory(venue=venue, name="Desks", slug="desks")
    charity = OrganisationFactory(kind=Organisation.Kind.CHARITY, postcode_district="B16")
    BookingFactory(space=room, starts_at=at(5, 10), ends_at=at(5, 12), organisation=charity)
    BookingFactory(space=room, starts_at=at(6, 16), ends_at=at(6, 18))
    BookingFactory(space=desks, starts_at=at(7, 9), ends_at=at(7, 13), organisation=charity)
    return {"venue": venue, "room": room, "desks": desks, "charity": charity}


def follows(venue, change, *, period: Period = WEEK, **options) -> None:
    """After `change`, cached_stats gives compute_stats' new figures, not the ones cached."""
    old = figures(cached_stats(venue, period, **options))
    change()
    venue = Venue.objects.get(pk=venue.pk)  # as the next request loads it
    fresh = figures(compute_stats(venue, period, **options))
    assert fresh != old, "the change should change the figures"
    assert figures(cached_stats(venue, period, **options)) == fresh


def test_nothing_changed_the_figures_come_from_the_cache_in_two_queries(
    scene, django_assert_num_queries, monkeypatch
):
    venue = scene["venue"]
    first = figures(cached_stats(venue, WEEK))
    monkeypatch.setattr(stats_cache, "compute_stats", lambda *a, **k: pytest.fail("recomputed"))

    with django_assert_num_queries(2):  # the validator, then the cache
        again = cached_stats(venue, WEEK)

    assert figures(again) == first == figures(compute_stats(venue, WEEK))
    assert again.venue is venue
    assert all(space.venue is venue for space in again.spaces)
    assert first["total"]["booked_hours"] == pytest.approx(2 + 1 + 4)


@pytest.mark.parametrize(
    "options",
    [{}, {"with_before": True}, {"space": "room"}, {"space": "desks", "with_before": True}],
    ids=["venue", "with before", "one room", "one desk pool"],
)
def test_cached_figures_are_compute_stats_own(scene, options):
    venue = scene["venue"]
    venue.opened_for_sharing_on = date(2027, 1, 1)
    venue.save()
    BookingFactory(space=scene["room"], starts_at=at(1, 10) - timedelta(days=7))  # before opening
    if "space" in options:
        options = {**options, "space": scene[options["space"]]}
    fresh = figures(compute_stats(venue, WEEK, **options))

    assert figures(cached_stats(venue, WEEK, **options)) == fresh  # computed, then kept
    assert figures(cached_stats(venue, WEEK, **options)) == fresh  # read from the cache


def test_the_open_data_rows_from_the_cache_are_the_same(scene):
    venue = scene["venue"]
    cached_stats(venue, WEEK)

    assert daily_rows(cached_stats(venue, WEEK)) == daily_rows(compute_stats(venue, WEEK))


def test_disclosure_control_still_applies_to_cached_figures(scene):
    venue = scene["venue"]
    cached_stats(venue, WEEK, with_before=True)

    public = public_figures(cached_stats(venue, WEEK, with_before=True))

    assert public == public_figures(compute_stats(venue, WEEK, with_before=True))
    assert public.room_booked_hours is None  # 2 room hirings: under 10, hidden as fresh


def test_a_booking_made(scene):
    follows(scene["venue"], lambda: BookingFactory(space=scene["room"], starts_at=at(8, 10)))


def test_a_booking_cancelled_through_the_service(scene, manager):
    booking = Booking.objects.get(space=scene["room"], starts_at=at(5, 10))
    now = at(4, 8)
    follows(scene["venue"], lambda: cancel_booking(booking=booking, by=manager, now=now))


@pytest.mark.parametrize(
    "status", [Booking.Status.PENDING, Booking.Status.DECLINED, Booking.Status.CANCELLED]
)
def test_a_bookings_status_changed(scene, status):
    booking = Booking.objects.get(space=scene["room"], starts_at=at(5, 10))

    def change():
        booking.status = status
        booking.save()

    follows(scene["venue"], change)


def test_a_booking_moved(scene):
    booking = Booking.objects.get(space=scene["room"], starts_at=at(5, 10))

    def change():
        booking.starts_at, booking.ends_at = at(5, 15), at(5, 19)  # past closing at 17:00
        booking.blocked_until = booking.ends_at
        booking.save()

    follows(scene["venue"], change)


def test_a_booking_moved_to_another_space(scene):
    booking = Booking.objects.get(space=scene["room"], starts_at=at(5, 10))

    def change():
        booking.space = scene["desks"]
        booking.exclusive = False
        booking.save()

    follows(scene["venue"], change)


def test_a_booking_deleted(scene):
    follows(scene["venue"], lambda: Booking.objects.filter(starts_at=at(6, 16)).delete())


@pytest.mark.parametrize(
    "field, value",
    [
        ("activity", Booking.Activity.ARTS),
        ("attendees", 30),
        ("price", Decimal("0")),
        ("organisation", "charity"),
    ],
)
def test_a_bookings_details_changed(scene, field, value):
    booking = Booking.objects.get(space=scene["room"], starts_at=at(6, 16))

    def change():
        setattr(booking, field, scene[value] if value == "charity" else value)
        if field == "price":
            booking.full_price = Decimal("10")
        booking.save()

    follows(scene["venue"], change)


def test_a_booking_long_before_the_period_makes_a_hirer_returning(scene):
    """The hirers' first bookings reach back before the period: so does the validator."""

    def change():
        BookingFactory(
            space=scene["room"], starts_at=at(5, 10) - timedelta(days=400), organisation=None
        )
        Booking.objects.filter(starts_at=at(6, 16)).update(
            booker=Booking.objects.earliest("starts_at").booker
        )
        Booking.objects.filter(starts_at=at(6, 16)).first().save()  # as a service would

    follows(scene["venue"], change)


def test_weekly_opening_hours_changed(scene):
    def change():
        hours = OpeningHours.objects.get(venue=scene["venue"], weekday=1)
        hours.closes = time(20)
        hours.save()

    follows(scene["venue"], change)


def test_opening_hours_added_and_removed(scene):
    venue = scene["venue"]
    follows(
        venue,
        lambda: OpeningHours.objects.create(
            venue=venue, weekday=2, opens=time(18), closes=time(21)
        ),
    )
    follows(venue, lambda: OpeningHours.objects.filter(venue=venue, weekday=0).delete())


def test_an_opening_exception(scene):
    venue = scene["venue"]
    follows(venue, lambda: OpeningException.objects.create(venue=venue, date=date(2027, 1, 5)))

    def reopen():
        exception = OpeningException.objects.get(venue=venue)
        exception.opens, exception.closes = time(12), time(14)
        exception.save()

    follows(venue, reopen)


def test_a_closure_added_and_moved(scene):
    venue = scene["venue"]
    follows(
        venue,
        lambda: ClosureFactory(venue=venue, space=None, starts_at=at(5, 11), ends_at=at(5, 12)),
    )

    def move():
        closure = venue.closures.get()
        closure.starts_at, closure.ends_at = at(7, 9), at(7, 10)
        closure.save()

    follows(venue, move)

    def narrow_to_one_space():
        closure = venue.closures.get()
        closure.space = scene["room"]
        closure.save()

    follows(venue, narrow_to_one_space)


def test_imported_unavailability(scene):
    venue = scene["venue"]
    source = CalendarImport.objects.create(venue=venue, name="Church services")
    follows(
        venue,
        lambda: Unavailability.objects.create(
            source=source, venue=venue, starts_at=at(6, 9), ends_at=at(6, 12)
        ),
    )


def test_a_space_added(scene):
    follows(scene["venue"], lambda: SpaceFactory(venue=scene["venue"], name="Hall", slug="hall"))


def test_a_desk_pools_seats_changed(scene):
    def change():
        desks = Space.objects.get(pk=scene["desks"].pk)
        desks.seats = 12
        desks.save()

    follows(scene["venue"], change)


def test_a_space_no_longer_bookable(scene):
    def change():
        room = Space.objects.get(pk=scene["room"].pk)
        room.is_active = False
        room.save()

    follows(scene["venue"], change)


@pytest.mark.parametrize(
    "field, value",
    [
        ("time_zone", "America/New_York"),
        ("peak_starts", time(12)),
        ("peak_ends", time(11)),
    ],
)
def test_the_venues_zone_or_peak_changed(scene, field, value):
    venue = scene["venue"]

    def change():
        setattr(venue, field, value)
        venue.save()

    follows(venue, change)


def test_a_renamed_venue_is_named_anew_on_its_spaces(scene):
    venue = scene["venue"]
    cached_stats(venue, WEEK)
    venue.name = "St Luke's Community Hall"
    venue.save()

    again = cached_stats(Venue.objects.get(pk=venue.pk), WEEK)

    assert {space.venue.name for space in again.spaces} == {"St Luke's Community Hall"}


def test_the_venues_opening_day_changed(scene):
    venue = scene["venue"]
    venue.opened_for_sharing_on = date(2027, 1, 1)
    venue.save()
    BookingFactory(space=scene["room"], starts_at=at(1, 10) - timedelta(days=7))

    def change():
        venue.opened_for_sharing_on = date(2026, 12, 1)
        venue.save()

    follows(venue, change, with_before=True)


@pytest.mark.parametrize(
    "field, value",
    [("kind", Organisation.Kind.BUSINESS), ("postcode_district", "B1")],
)
def test_an_organisation_edited_through_its_details(scene, field, value):
    """save_details saves updated_at too (it did not: an edit was invisible to the key)."""
    charity = scene["charity"]
    admin = OrganisationAdminFactory(organisation=charity).member

    def change():
        setattr(charity, field, value)
        save_details(organisation=charity, by=admin)

    follows(scene["venue"], change)


def test_a_fund_drawn_changes_from_hours_to_money(scene):
    fund = CommunityFundFactory(venue=scene["venue"], organisation=scene["charity"])
    PricedBookingFactory(
        space=scene["room"],
        starts_at=at(8, 10),
        organisation=scene["charity"],
        price=Decimal(0),
        full_price=Decimal(10),
        fund=fund,
        fund_drawn=Decimal(1),
    )

    def change():
        fund.hours, fund.amount = None, Decimal(100)
        fund.save()

    follows(scene["venue"], change)


def test_a_change_at_another_venue_keeps_the_key(scene):
    venue = scene["venue"]
    key = stats_key(venue, WEEK, space=None, with_before=False)
    elsewhere = SpaceFactory()
    BookingFactory(space=elsewhere, starts_at=at(5, 10), booker=MemberFactory())

    assert stats_key(venue, WEEK, space=None, with_before=False) == key


def test_the_key_holds_the_period_the_space_and_the_language(scene):
    venue = scene["venue"]
    keys = {
        stats_key(venue, WEEK, space=None, with_before=False),
        stats_key(
            venue, Period(WEEK.first, WEEK.last - timedelta(days=1)), space=None, with_before=False
        ),
        stats_key(venue, WEEK, space=scene["room"], with_before=False),
        stats_key(venue, WEEK, space=None, with_before=True),
    }
    with translation.override("cy"):
        keys.add(stats_key(venue, WEEK, space=None, with_before=False))

    assert len(keys) == 5


def test_the_cached_value_is_shared_through_djangos_cache(scene):
    """Another app server (a second process) finds it under the same key in the shared cache."""
    venue = scene["venue"]
    cached_stats(venue, WEEK)
    key = stats_key(venue, WEEK, space=None, with_before=False)

    assert cache.get(key) is not None
    cache.clear()
    assert figures(cached_stats(venue, WEEK)) == figures(compute_stats(venue, WEEK))


def test_packed_daily_reads_like_the_dict_it_packs():
    daily = {
        (date(2027, 1, 5), 3): Use(8, 40, 4, 5, 2),
        (date(2027, 1, 4), 7): Use(1.5, 1.5, 0.25, 0, 0),
    }
    packed = PackedDaily(daily)

    assert dict(packed.items()) == daily
    assert packed.get((date(2027, 1, 6), 3)) is None
    assert len(packed) == 2 and list(packed) == list(daily)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_miss_reads_key_and_figures_in_one_snapshot(
    venue, room, monkeypatch, django_assert_num_queries
):
    """On PostgreSQL a miss computes in one REPEATABLE READ transaction, the key read again in it."""
    BookingFactory(space=room, starts_at=at(5, 10), ends_at=at(5, 12))
    levels = []
    compute = stats_cache.compute_stats

    def computing(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            levels.append(cursor.fetchone()[0])
        return compute(*args, **kwargs)

    monkeypatch.setattr(stats_cache, "compute_stats", computing)
    first = figures(cached_stats(venue, WEEK))
    with django_assert_num_queries(2):
        again = figures(cached_stats(venue, WEEK))

    assert levels == ["repeatable read"]
    assert first == again == figures(compute_stats(venue, WEEK))
    assert first["total"]["booked_hours"] == pytest.approx(2)


def test_the_managers_baseline_is_the_venues_own(scene):
    """The baseline is read from the venue the caller loaded, not from the cached copy."""
    venue = scene["venue"]
    cached_stats(venue, WEEK)
    venue.baseline_weekly_hours = Decimal("6.5")
    venue.save()

    assert cached_stats(Venue.objects.get(pk=venue.pk), WEEK).baseline_weekly_hours == Decimal(
        "6.5"
    )


def test_the_stats_page_shows_a_booking_made_after_it_was_cached(client, manager, scene):
    client.force_login(manager)
    url = reverse("stats:venue", kwargs={"venue_slug": scene["venue"].slug})
    week = {"start": "2027-01-04", "end": "2027-01-10", "kind": "custom"}
    before = client.get(url, week).context["stats"]

    BookingFactory(space=scene["room"], starts_at=at(8, 10), ends_at=at(8, 12))
    after = client.get(url, week).context["stats"]

    assert after.hirings == before.hirings + 1
    assert after.rooms.booked_hours == pytest.approx(before.rooms.booked_hours + 2)
