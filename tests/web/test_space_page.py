from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import BookingFactory, ClosureFactory, SpaceFactory, VenueFactory
from tests.web.conftest import utc

ROOM = "/venues/st-lukes/meeting-room/"


def cell(response, wall_time: str, weekday: int):
    """The grid cell at a wall time ('10:00') on a weekday (0 = Monday)."""
    for row in response.context["grid"].rows:
        if row.label == wall_time:
            return row.cells[weekday]
    raise AssertionError(f"no row {wall_time}")


def test_the_week_grid_shows_free_booked_and_closed_slots(frozen_now, client, room):
    BookingFactory(space=room, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 11))
    ClosureFactory(
        venue=room.venue,
        starts_at=utc(2027, 1, 6, 12),
        ends_at=utc(2027, 1, 6, 14),
        reason="Boiler repair",
    )
    response = client.get(ROOM)
    assert response.status_code == 200
    assert [row.label for row in response.context["grid"].rows][:3] == ["09:00", "09:30", "10:00"]
    assert cell(response, "16:30", 6).state == "free"
    assert cell(response, "10:00", 1).state == "booked"
    assert cell(response, "10:30", 1).state == "booked"
    assert cell(response, "11:00", 1).state == "free"
    closed = cell(response, "12:00", 2)
    assert (closed.state, closed.detail) == ("closed", "Boiler repair")
    assert cell(response, "14:00", 2).state == "free"
    free = cell(response, "09:00", 0)
    assert (
        free.book_url
        == "/venues/st-lukes/meeting-room/book/?start=2027-01-04T09%3A00&end=2027-01-04T09%3A30"
    )
    assert "Booked" in response.text and "Boiler repair" in response.text


def test_the_grid_is_an_accessible_table(frozen_now, client, room):
    text = client.get(ROOM).text
    assert "<caption" in text and "Availability of Meeting room, 4 Jan to 10 Jan 2027" in text
    assert text.count('<th scope="col">') == 8
    assert '<th scope="row">09:00</th>' in text
    assert 'class="table-wrap grid-wrap"' in text
    assert "book Tuesday 5 January, 10:00" in text  # link text says which slot


def test_slots_before_now_too_soon_or_too_far_ahead_are_not_bookable(client, venue):
    space = SpaceFactory(
        venue=venue, slug="notice", min_notice=timedelta(hours=2), horizon=timedelta(days=3)
    )
    with time_machine.travel(utc(2027, 1, 4, 9, 15), tick=False):
        response = client.get(f"/venues/st-lukes/{space.slug}/")
    assert cell(response, "09:00", 0).state == "past"
    assert cell(response, "10:30", 0).state == "too-soon"
    assert cell(response, "11:30", 0).state == "free"
    assert cell(response, "10:00", 6).state == "too-far"
    assert not cell(response, "10:00", 6).book_url


def test_a_desk_pool_says_how_many_desks_are_free(frozen_now, client, pool):
    for _ in range(2):
        BookingFactory(space=pool, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 11))
    for _ in range(5):
        BookingFactory(space=pool, starts_at=utc(2027, 1, 6, 10), ends_at=utc(2027, 1, 6, 11))
    response = client.get("/venues/st-lukes/hot-desks/")
    assert cell(response, "10:00", 1).detail == "3 of 5 desks free"
    assert cell(response, "09:00", 1).detail == "5 of 5 desks free"
    assert cell(response, "10:00", 2).state == "booked"
    assert "3 of 5 desks free" in response.text


def test_week_links_move_a_week_at_a_time(frozen_now, client, room):
    response = client.get(f"{ROOM}?week=2027-01-14")
    grid = response.context["grid"]
    assert grid.monday.isoformat() == "2027-01-11"
    assert 'href="?week=2027-01-04"' in response.text  # previous and "this week"
    assert 'href="?week=2027-01-18"' in response.text
    assert "This week" in response.text


def test_a_garbage_week_falls_back_to_this_week_with_a_message(frozen_now, client, room):
    for junk in ["banana", "2027-02-30", "99999-01-01", "0001-01-01", "<script>"]:
        response = client.get(ROOM, {"week": junk})
        assert response.status_code == 200, junk
        assert response.context["grid"].monday.isoformat() == "2027-01-04"
        assert "is not a date like" in response.text
        assert "<script>" not in response.text


def test_the_page_names_the_venue_time_zone_when_it_is_not_ours(frozen_now, client, room):
    venue = VenueFactory(slug="nyc", time_zone="America/New_York")
    SpaceFactory(venue=venue, slug="loft")
    response = client.get("/venues/nyc/loft/")
    assert "time zone, America/New_York." in response.text
    assert cell(response, "09:00", 0).book_url.endswith(
        "start=2027-01-04T09%3A00&end=2027-01-04T09%3A30"
    )
    assert "All times are in the venue" not in client.get(ROOM).text


def test_the_space_page_lists_its_rules_in_words(frozen_now, client, venue):
    SpaceFactory(
        venue=venue,
        slug="hall",
        requires_approval=True,
        min_notice=timedelta(days=2),
        buffer_after=timedelta(minutes=30),
    )
    text = client.get("/venues/st-lukes/hall/").text
    assert "Bookings last from 30 minutes to 8 hours." in text
    assert "Book at least 2 days ahead." in text
    assert "You can book up to 365 days ahead." in text
    assert "30 minutes is kept free after each booking." in text
    assert "A venue manager approves each booking" in text


def test_the_week_of_the_spring_change_has_a_23_hour_sunday(client, night_room):
    with time_machine.travel(utc(2026, 3, 20, 12), tick=False):
        response = client.get("/venues/night-lab/night-room/?week=2026-03-29")
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [day.hours for day in grid.days] == [24] * 6 + [23]
    assert (cell(response, "01:00", 6).state, cell(response, "01:00", 6).label) == (
        "no-such-time",
        "No such time",
    )
    assert cell(response, "01:30", 6).state == "no-such-time"
    assert cell(response, "00:30", 6).state == "free"
    assert cell(response, "02:00", 6).state == "free"
    assert "23-hour day" in response.text


def test_time_taken_by_an_imported_calendar_shows_as_unavailable_not_closed(
    frozen_now, client, room
):
    from spaces.models import CalendarImport, Unavailability

    source = CalendarImport.objects.create(venue=room.venue, name="Church services")
    Unavailability.objects.create(
        source=source,
        venue=room.venue,
        starts_at=utc(2027, 1, 7, 10),
        ends_at=utc(2027, 1, 7, 12),
        summary="Church services",
    )
    response = client.get(ROOM)
    taken = cell(response, "10:00", 3)
    assert (taken.state, taken.label, taken.detail) == (
        "unavailable",
        "Unavailable",
        "Church services",
    )
    assert not taken.book_url
    assert cell(response, "12:00", 3).state == "free"


def test_the_week_of_the_autumn_change_has_a_25_hour_sunday(client, night_room):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        response = client.get("/venues/night-lab/night-room/?week=2026-10-25")
    assert response.status_code == 200
    grid = response.context["grid"]
    assert [day.hours for day in grid.days] == [24] * 6 + [25]
    labels = [row.label for row in grid.rows]
    assert "01:00 (second time)" in labels and "01:30 (second time)" in labels
    assert cell(response, "01:00", 6).state == "free"
    second = cell(response, "01:00 (second time)", 6)
    assert second.state == "free"  # the link says which 01:00: start_fold=1
    assert "start=2026-10-25T01%3A00" in second.book_url and "start_fold=1" in second.book_url
    assert "start_fold" not in cell(response, "01:00", 6).book_url  # the first 01:00 is the default
    assert cell(response, "01:00 (second time)", 5).label == "Only once"
    assert "25-hour day" in response.text


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_space_page_costs_the_same_queries_however_many_bookings(
    frozen_now, client, room, pool
):
    BookingFactory(space=room, starts_at=utc(2027, 1, 5, 9), ends_at=utc(2027, 1, 5, 10))
    BookingFactory(space=pool, starts_at=utc(2027, 1, 5, 9), ends_at=utc(2027, 1, 5, 10))
    few_room, few_pool = _queries(client, ROOM), _queries(client, "/venues/st-lukes/hot-desks/")
    for day in range(4, 11):
        for hour in range(10, 17):
            BookingFactory(
                space=room, starts_at=utc(2027, 1, day, hour), ends_at=utc(2027, 1, day, hour, 30)
            )
            BookingFactory(
                space=pool, starts_at=utc(2027, 1, day, hour), ends_at=utc(2027, 1, day, hour, 30)
            )
    assert _queries(client, ROOM) == few_room
    assert _queries(client, "/venues/st-lukes/hot-desks/") == few_pool
    assert few_room <= 12


def test_an_unknown_space_is_a_404(client, room):
    assert client.get("/venues/st-lukes/broom-cupboard/").status_code == 404
    assert client.get("/venues/elsewhere/meeting-room/").status_code == 404


def test_a_free_slot_too_short_for_the_shortest_booking_has_no_link(frozen_now, client, venue):
    space = SpaceFactory(venue=venue, slug="long", min_duration=timedelta(hours=1))
    BookingFactory(space=space, starts_at=utc(2027, 1, 5, 10, 30), ends_at=utc(2027, 1, 5, 11, 30))
    response = client.get("/venues/st-lukes/long/")
    short = cell(response, "10:00", 1)
    assert (short.state, short.label, short.book_url) == ("unavailable", "Gap too short", "")
    assert cell(response, "09:30", 1).book_url.endswith(
        "start=2027-01-05T09%3A30&end=2027-01-05T10%3A30"
    )


def test_a_members_own_booking_reads_yours_and_links_to_it(frozen_now, client, room, member):
    mine = BookingFactory(
        space=room,
        booker=member,
        title="My workshop",
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 11),
    )
    client.force_login(member)
    response = client.get(ROOM)
    yours = cell(response, "10:00", 1)
    assert (yours.state, yours.label, yours.booking_url) == (
        "yours",
        "Yours",
        f"/bookings/{mine.pk}/",
    )
    assert cell(response, "10:30", 1).state == "yours"
    assert cell(response, "11:00", 1).state == "free"
    assert f'<a href="/bookings/{mine.pk}/">Yours' in response.text
    assert "your booking, Tuesday 5 January, 10:00" in response.text


def test_other_members_bookings_are_only_booked_with_no_title_or_name(
    frozen_now, client, room, member, other_member
):
    BookingFactory(
        space=room,
        booker=other_member,
        title="Secret support group",
        purpose="Private",
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 11),
    )
    for logged_in in (member, None):
        if logged_in:
            client.force_login(logged_in)
        else:
            client.logout()
        response = client.get(ROOM)
        booked = cell(response, "10:00", 1)
        assert (booked.state, booked.label, booked.detail, booked.booking_url) == (
            "booked",
            "Booked",
            "",
            "",
        )
        for private in ("Secret support group", "Private", "Otto", "other@example.org"):
            assert private not in response.text


def test_a_desk_pool_marks_the_members_own_seat(frozen_now, client, pool, member, other_member):
    BookingFactory(space=pool, booker=other_member, starts_at=utc(2027, 1, 5, 9))
    mine = BookingFactory(space=pool, booker=member, starts_at=utc(2027, 1, 5, 10))
    client.force_login(member)
    response = client.get("/venues/st-lukes/hot-desks/")
    assert cell(response, "10:00", 1).booking_url == f"/bookings/{mine.pk}/"
    assert cell(response, "09:00", 1).state == "free"  # 4 of 5 desks still free


def test_the_wanted_time_from_the_filter_opens_its_week_and_prefills_the_booking_form(
    frozen_now, client, room
):
    response = client.get(ROOM, {"start": "2027-01-12T14:00", "end": "2027-01-12T16:00"})
    assert response.context["grid"].monday.isoformat() == "2027-01-11"
    text = response.text
    assert "You asked for Tuesday 12 January 2027, 14:00–16:00." in text
    book = "/venues/st-lukes/meeting-room/book/?start=2027-01-12T14%3A00&amp;end=2027-01-12T16%3A00"
    assert f'<a class="button" href="{book}">Book 14:00–16:00</a>' in text
    # The week links keep it, so moving about the weeks does not lose it.
    assert "?week=2027-01-18&amp;start=2027-01-12T14%3A00&amp;end=2027-01-12T16%3A00" in text
    # A week chosen by hand wins over the wanted time's week.
    chosen = client.get(
        ROOM, {"week": "2027-01-18", "start": "2027-01-12T14:00", "end": "2027-01-12T16:00"}
    )
    assert chosen.context["grid"].monday.isoformat() == "2027-01-18"


def test_a_garbage_wanted_time_is_ignored(frozen_now, client, room):
    for start, end in [
        ("2027-01-12T16:00", "2027-01-12T14:00"),
        ("2027-01-12T14:00", "2027-01-13T16:00"),
        ("soon", "later"),
        ("9999-01-12T14:00", "9999-01-12T16:00"),
    ]:
        response = client.get(ROOM, {"start": start, "end": end})
        assert response.status_code == 200
        assert response.context["wanted"] is None
        assert "You asked for" not in response.text


def test_the_grid_has_a_skip_link_to_the_free_times_and_a_hint_to_swipe(frozen_now, client, room):
    text = client.get(ROOM).text
    assert '<a class="skip-past" href="#free-list-heading">' in text
    assert '<h2 id="free-list-heading" tabindex="-1">' in text
    assert text.index('class="skip-past"') < text.index('class="table-wrap grid-wrap"')
    assert "Swipe sideways to see the whole week." in text
