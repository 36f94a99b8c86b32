"""Every booking rule, accepting and rejecting: each refusal is a readable sentence and writes nothing.
(Approval, cancellation, the scheduler mirror and emails: test_decisions.py.)

Days are in January 2027, when London is on GMT (local == UTC). NOW is Monday 4 January, 08:00.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.models import Booking
from bookings.services import (
    BookingError,
)
from spaces.models import CalendarImport, Unavailability
from tests.bookings.conftest import assert_readable, at
from tests.factories import (
    ClosureFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
    VenueFactory,
)

MONDAY = datetime(2027, 1, 4, tzinfo=UTC)  # the day of NOW
SUNDAY = datetime(2027, 1, 10, tzinfo=UTC)


def refused(book, nothing_written, space, starts_at, ends_at, **kwargs) -> str:
    """Assert the booking is refused with a readable sentence and nothing written; return the sentence."""
    with pytest.raises(BookingError) as caught:
        book(space, starts_at, ends_at, **kwargs)
    assert_readable(caught.value.message)
    nothing_written()
    return caught.value.message


# --- The booking's own shape and timing -------------------------------------------------------

# (case, space rules, start, end, words the refusal must contain)
REFUSALS = [
    ("end before start", {}, at(11), at(10), "end after it starts"),
    ("zero length", {}, at(10), at(10), "end after it starts"),
    ("too short", {"min_duration": timedelta(hours=1)}, at(10), at(10, 30), "at least 1 h"),
    ("too long", {"max_duration": timedelta(hours=2)}, at(10), at(13), "at most 2 h"),
    ("start off the slot step", {}, at(10, 15), at(11, 15), "30 min steps"),
    ("end off the slot step", {}, at(10), at(10, 45), "30 min steps"),
    (
        "start off the hour step",
        {"slot_step": timedelta(hours=1), "min_duration": timedelta(hours=1)},
        at(10, 30),
        at(11, 30),
        "1 h steps",
    ),
    (
        "seconds in the start",
        {},
        at(10) + timedelta(seconds=1),
        at(11) + timedelta(seconds=1),
        "steps",
    ),
    (
        "within the minimum notice",
        {"min_notice": timedelta(hours=2)},
        at(9, day=MONDAY),
        at(10, day=MONDAY),
        "2 h notice",
    ),
    (
        "in the past",
        {},
        at(10, day=MONDAY - timedelta(days=1)),
        at(11, day=MONDAY - timedelta(days=1)),
        "already passed",
    ),
    ("already started", {}, at(7, 30, day=MONDAY), at(8, 30, day=MONDAY), "already passed"),
    (
        "beyond the horizon",
        {"horizon": timedelta(days=30)},
        at(10) + timedelta(days=30),
        at(11) + timedelta(days=30),
        "30 days ahead",
    ),
    (
        "ending just beyond the horizon",
        {"horizon": timedelta(days=30, hours=3)},
        at(10, 30) + timedelta(days=29),
        at(11, 30) + timedelta(days=29),
        "up to 30 days and 3 h ahead.",
    ),
    ("before opening", {}, at(8), at(9), "not open"),
    ("after closing", {}, at(17), at(18), "not open"),
    ("straddling closing", {}, at(16), at(18), "not open"),
    ("straddling opening", {}, at(8, 30), at(9, 30), "not open"),
    (
        "overnight across two opening days",
        {"max_duration": timedelta(hours=24)},
        at(16),
        at(10) + timedelta(days=1),
        "not open",
    ),
]


@pytest.mark.parametrize(
    ("case", "rules", "starts_at", "ends_at", "words"), REFUSALS, ids=[row[0] for row in REFUSALS]
)
def test_each_rule_refuses_with_a_readable_sentence_and_writes_nothing(
    book, venue, nothing_written, case, rules, starts_at, ends_at, words
):
    space = SpaceFactory(venue=venue, name="Blue room", **rules)
    message = refused(book, nothing_written, space, starts_at, ends_at)
    assert words in message


# (case, space rules, start, end): the accepting side of each rule above.
ACCEPTED = [
    ("exactly the shortest booking", {"min_duration": timedelta(hours=1)}, at(10), at(11)),
    ("exactly the longest booking", {"max_duration": timedelta(hours=2)}, at(10), at(12)),
    ("the whole opening day", {}, at(9), at(17)),
    ("on the slot step", {}, at(10, 30), at(11)),
    (
        "on an hour step",
        {"slot_step": timedelta(hours=1), "min_duration": timedelta(hours=1)},
        at(10),
        at(12),
    ),
    (
        "exactly the minimum notice",
        {"min_notice": timedelta(hours=2)},
        at(10, day=MONDAY),
        at(11, day=MONDAY),
    ),
    ("later today with no notice needed", {}, at(9, day=MONDAY), at(10, day=MONDAY)),
    # NOW + 30 days 3 hours is Wednesday 3 February, 11:00.
    (
        "ending exactly at the horizon",
        {"horizon": timedelta(days=30, hours=3)},
        at(10) + timedelta(days=29),
        at(11) + timedelta(days=29),
    ),
    (
        "just inside the horizon",
        {"horizon": timedelta(days=30)},
        at(10) + timedelta(days=28),
        at(11) + timedelta(days=28),
    ),
]


@pytest.mark.parametrize(
    ("case", "rules", "starts_at", "ends_at"), ACCEPTED, ids=[row[0] for row in ACCEPTED]
)
def test_each_rule_accepts_a_booking_that_keeps_it(book, venue, case, rules, starts_at, ends_at):
    space = SpaceFactory(venue=venue, **rules)
    booking = book(space, starts_at, ends_at)
    assert (booking.starts_at, booking.ends_at, booking.status) == (
        starts_at,
        ends_at,
        Booking.Status.CONFIRMED,
    )
    assert Booking.objects.filter(pk=booking.pk).exists()


# --- Opening hours ------------------------------------------------------------------------------


@pytest.fixture
def weekday_venue(db):
    """Open Monday to Saturday 09:00–12:00 and 13:00–17:00 (a lunch gap); closed on Sunday."""
    venue = VenueFactory(open_every_day=False)
    for day in range(6):
        OpeningHoursFactory(venue=venue, weekday=day, opens=time(9), closes=time(12))
        OpeningHoursFactory(venue=venue, weekday=day, opens=time(13), closes=time(17))
    return venue


def test_refuses_a_day_with_no_opening_hours(book, weekday_venue, nothing_written):
    room = SpaceFactory(venue=weekday_venue)
    assert "not open" in refused(
        book, nothing_written, room, at(10, day=SUNDAY), at(11, day=SUNDAY)
    )


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [(at(11, 30), at(13, 30)), (at(12), at(13)), (at(12, 30), at(13)), (at(11), at(14))],
    ids=["across lunch", "exactly the lunch gap", "inside lunch", "enclosing lunch"],
)
def test_refuses_a_booking_in_or_across_the_lunch_gap(
    book, weekday_venue, nothing_written, starts_at, ends_at
):
    room = SpaceFactory(venue=weekday_venue)
    assert "not open" in refused(book, nothing_written, room, starts_at, ends_at)


def test_accepts_bookings_on_either_side_of_the_lunch_gap(book, weekday_venue):
    room = SpaceFactory(venue=weekday_venue)
    book(room, at(9), at(12))
    book(room, at(13), at(17))
    assert Booking.objects.filter(space=room).count() == 2


def test_opening_hours_that_touch_join_up(book, db):
    venue = VenueFactory(open_every_day=False)
    OpeningHoursFactory(venue=venue, weekday=1, opens=time(9), closes=time(12))
    OpeningHoursFactory(venue=venue, weekday=1, opens=time(12), closes=time(17))
    room = SpaceFactory(venue=venue)
    assert book(room, at(11), at(13)).ends_at == at(13)


# --- Closures and imported unavailability -----------------------------------------------------


def test_refuses_a_booking_inside_a_venue_closure_and_names_the_reason(
    book, room, venue, nothing_written
):
    ClosureFactory(venue=venue, starts_at=at(12), ends_at=at(14), reason="Boiler repair")
    message = refused(book, nothing_written, room, at(13), at(15))
    assert "Boiler repair" in message
    assert "14:00" in message


def test_accepts_bookings_that_touch_a_closure(book, room, venue):
    ClosureFactory(venue=venue, starts_at=at(12), ends_at=at(14))
    book(room, at(11), at(12))
    book(room, at(14), at(15))


def test_a_space_closure_blocks_only_that_space(book, room, venue, nothing_written):
    other_room = SpaceFactory(venue=venue, name="Other room")
    ClosureFactory(venue=venue, space=room, starts_at=at(12), ends_at=at(14), reason="Repainting")
    assert "Repainting" in refused(book, nothing_written, room, at(12), at(13))
    assert book(other_room, at(12), at(13)).space == other_room


def test_a_closure_of_another_venue_does_not_block(book, room):
    ClosureFactory(starts_at=at(12), ends_at=at(14))
    assert book(room, at(12), at(13)).space == room


def test_refuses_a_booking_inside_imported_unavailability(book, room, venue, nothing_written):
    source = CalendarImport.objects.create(venue=venue, name="Church services")
    Unavailability.objects.create(
        source=source, venue=venue, starts_at=at(10), ends_at=at(12), summary="Sunday service"
    )
    assert "Sunday service" in refused(book, nothing_written, room, at(11), at(12))
    assert book(room, at(12), at(13)).space == room


def test_imported_unavailability_of_one_space_leaves_the_others_bookable(
    book, room, venue, nothing_written
):
    other_room = SpaceFactory(venue=venue, name="Other room")
    source = CalendarImport.objects.create(venue=venue, space=room, name="Choir")
    Unavailability.objects.create(
        source=source, venue=venue, space=room, starts_at=at(10), ends_at=at(12)
    )
    refused(book, nothing_written, room, at(10), at(11))
    assert book(other_room, at(10), at(11)).space == other_room


# --- Attendees, the space, the form fields --------------------------------------------------


def test_refuses_more_attendees_than_the_space_holds(book, room, nothing_written):
    message = refused(book, nothing_written, room, at(10), at(11), attendees=7)
    assert "at most 6 people" in message


def test_accepts_as_many_attendees_as_the_space_holds(book, room):
    assert book(room, at(10), at(11), attendees=6).attendees == 6


def test_refuses_a_booking_with_no_attendees(book, room, nothing_written):
    refused(book, nothing_written, room, at(10), at(11), attendees=0)


def test_refuses_a_space_that_is_not_bookable(book, venue, nothing_written):
    space = SpaceFactory(venue=venue, is_active=False, name="Old vestry")
    assert "Old vestry is not taking bookings" in refused(
        book, nothing_written, space, at(10), at(11)
    )


@pytest.mark.parametrize("title", ["", "   ", "\n"])
def test_refuses_an_empty_title(book, room, nothing_written, title):
    refused(book, nothing_written, room, at(10), at(11), title=title)


def test_refuses_a_title_longer_than_the_field_with_a_sentence_not_a_crash(
    book, room, nothing_written
):
    refused(book, nothing_written, room, at(10), at(11), title="x" * 201)


def test_strips_the_title_and_purpose(book, room):
    booking = book(room, at(10), at(11), title="  Planning  ", purpose="  Quarterly plan \n")
    assert (booking.title, booking.purpose) == ("Planning", "Quarterly plan")


def test_refuses_an_organisation_the_booker_does_not_belong_to(book, room, nothing_written):
    organisation = OrganisationFactory(name="Ladywood Food Bank")
    OrganisationMembershipFactory(organisation=organisation)  # someone else
    refused(book, nothing_written, room, at(10), at(11), organisation=organisation)


def test_accepts_an_organisation_the_booker_belongs_to(book, room, member):
    organisation = OrganisationFactory(name="Ladywood Food Bank")
    OrganisationMembershipFactory(organisation=organisation, member=member)
    assert book(room, at(10), at(11), organisation=organisation).organisation == organisation


def test_refuses_an_activity_that_is_not_on_the_list(book, room, nothing_written):
    refused(book, nothing_written, room, at(10), at(11), activity="karaoke")


def test_accepts_an_activity_from_the_list(book, room):
    assert book(room, at(10), at(11), activity=Booking.Activity.ARTS).activity == "arts"


def test_a_refusal_names_the_form_field_it_is_about(book, room):
    with pytest.raises(BookingError) as caught:
        book(room, at(10), at(11), attendees=7)
    assert caught.value.field == "attendees"


@pytest.mark.parametrize(
    ("horizon", "words"),
    [
        (timedelta(days=1), "up to 1 day ahead."),
        (timedelta(hours=12), "up to 12 h ahead."),
        (timedelta(days=90), "up to 90 days ahead."),
    ],
    ids=["one day", "half a day", "ninety days"],
)
def test_the_horizon_is_said_in_days_and_hours(book, venue, horizon, words):
    space = SpaceFactory(venue=venue, horizon=horizon)
    with pytest.raises(BookingError) as caught:
        book(space, at(10) + timedelta(days=100), at(11) + timedelta(days=100))
    assert caught.value.message.endswith(words)


def test_times_in_any_zone_are_stored_as_the_same_instant_in_utc(book, venue):
    space = SpaceFactory(venue=venue)
    new_york = ZoneInfo("America/New_York")
    booking = book(space, at(10).astimezone(new_york), at(11).astimezone(new_york))
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (at(10), at(11))
    assert booking.starts_at.utcoffset() == timedelta(0)


def test_naive_times_are_a_programming_error_not_a_member_error(book, room, nothing_written):
    with pytest.raises(ValueError):
        book(room, at(10).replace(tzinfo=None), at(11).replace(tzinfo=None))
    nothing_written()
