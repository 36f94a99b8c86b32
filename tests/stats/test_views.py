import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from stats import views
from stats.periods import Period
from tests.factories import BookingFactory, DeskPoolFactory, MemberFactory

pytestmark = pytest.mark.django_db

JANUARY = {"kind": "month", "on": "2027-01-15"}


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


@pytest.fixture
def scene(venue, room):
    """A room booked 09:00–13:00 on 5 January (4 of 8 open hours), and a desk pool with 3 of 5 seats half the day."""
    pool = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=5)
    BookingFactory(space=room, starts_at=at(5, 9), ends_at=at(5, 13))
    for _ in range(3):
        BookingFactory(space=pool, starts_at=at(5, 9), ends_at=at(5, 13))
    return {"room": room, "pool": pool}


def stats_url(venue, **params) -> str:
    return reverse("stats:venue", kwargs={"venue_slug": venue.slug})


def test_the_stats_urls_win_over_the_space_page():
    assert resolve("/venues/st-lukes/stats/").func is views.venue_stats
    assert resolve("/venues/st-lukes/meeting-room/stats/").func is views.space_stats
    assert resolve("/venues/st-lukes/usage.csv").func is views.usage_csv
    assert resolve("/venues/st-lukes/usage.json").func is views.usage_json
    assert resolve("/venues/st-lukes/stats/daily.csv").func is views.daily_csv


def test_a_manager_sees_the_venue_stats_with_headline_figures_charts_and_tables(
    client, manager, venue, scene
):
    client.force_login(manager)

    response = client.get(stats_url(venue), JANUARY)

    assert response.status_code == 200
    page = response.content.decode()
    assert "How St Luke&#x27;s is used" in page
    assert "<svg" in page and "<script" not in page
    assert 'role="img"' in page
    assert "No space has check-in on in this period." in page
    assert "Not available until prices exist." not in page
    # The scene's bookings were made before prices: said so, not shown as free.
    assert "All 4 hirings of this period were made before the venue had prices" in page
    stats = response.context["stats"]
    # January: 31 days x 8 hours; room 4 booked hours, pool 12 of 5 x 248 seat-hours.
    assert stats.by_space[scene["room"].pk].booked_hours == pytest.approx(4)
    assert stats.by_space[scene["pool"].pk].booked_hours == pytest.approx(12)
    assert stats.total.capacity_hours == pytest.approx(6 * 248)
    assert stats.hirings == 4


def test_the_busy_hours_punch_cards_show_rooms_and_desk_pools_apart(client, manager, venue, scene):
    client.force_login(manager)

    context = client.get(stats_url(venue), JANUARY).context
    rooms, desks = context["busy_chart"], context["desk_busy_chart"]

    # Tuesday 5 January 09:00-13:00. The room: 1 booked of 4 open hours at 09:00 over the 4
    # Tuesdays of January = 25%. The pool: 3 booked of 5 seats x 4 Tuesdays = 15%. Never the
    # two together ((1 + 3) / (4 + 20) = 17%). Every other open hour is empty.
    assert rooms.title == "Rooms and halls: occupancy by weekday and hour (%)"
    assert rooms.summary == (
        "Busiest: Tuesday at 09:00 (25% occupied); quietest open hour: Monday at 09:00 (0%)."
    )
    assert desks.title == "Desk pools: occupancy of seats by weekday and hour (%)"
    assert desks.summary == (
        "Busiest: Tuesday at 09:00 (15% occupied); quietest open hour: Monday at 09:00 (0%)."
    )
    assert "<svg" in rooms.svg and "Tuesday" in rooms.svg


def test_the_space_page_shows_only_that_space(client, manager, venue, scene):
    client.force_login(manager)
    url = reverse("stats:space", kwargs={"venue_slug": venue.slug, "space_slug": "hot-desks"})

    response = client.get(url, {"kind": "custom", "start": "2027-01-05", "end": "2027-01-05"})

    assert response.status_code == 200
    assert response.context["stats"].total.occupancy == pytest.approx(30)


def test_anonymous_visitors_are_sent_to_log_in(client, venue):
    response = client.get(stats_url(venue))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_who_does_not_manage_the_venue_gets_a_404(client, member, venue, room):
    client.force_login(member)
    assert client.get(stats_url(venue)).status_code == 404
    space_url = reverse("stats:space", kwargs={"venue_slug": venue.slug, "space_slug": room.slug})
    assert client.get(space_url).status_code == 404
    assert (
        client.get(reverse("stats:daily_csv", kwargs={"venue_slug": venue.slug})).status_code == 404
    )


def test_a_manager_of_another_venue_gets_a_404(client, venue, room):
    from tests.factories import VenueFactory

    elsewhere = VenueFactory(name="Lab", slug="lab")
    other_manager = MemberFactory()
    elsewhere.managers.add(other_manager)
    client.force_login(other_manager)
    assert client.get(stats_url(venue)).status_code == 404


def test_a_superuser_sees_any_venue(client, venue, room):
    client.force_login(MemberFactory(is_superuser=True, is_staff=True))
    assert client.get(stats_url(venue)).status_code == 200


def test_an_unknown_space_is_a_404(client, manager, venue):
    client.force_login(manager)
    url = reverse("stats:space", kwargs={"venue_slug": venue.slug, "space_slug": "nowhere"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"kind": "custom", "start": "2027-02-01", "end": "2027-01-01"},
            "The period must end on or after the day it starts.",
        ),
        ({"kind": "month", "on": "99999-01-01"}, "Enter a valid date."),
        ({"kind": "custom", "start": "2027-01-01", "end": "99999-01-01"}, "Enter a valid date."),
        ({"kind": "year", "on": "9999-01-01"}, "Choose a date between the years 2000 and 2100."),
        ({"kind": "month", "on": "yesterday-ish"}, "Enter a valid date."),
        ({"kind": "fortnight"}, "Select a valid choice."),
        (
            {"kind": "custom", "start": "2027-01-01"},
            "For custom dates, give both the first and the last day.",
        ),
        (
            {"kind": "custom", "start": "2020-01-01", "end": "2027-01-01"},
            "Choose a period of at most 1098 days.",
        ),
    ],
)
def test_bad_period_input_gives_a_clear_message_not_a_500(
    client, manager, venue, room, params, message
):
    client.force_login(manager)

    response = client.get(stats_url(venue), params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "stats" not in response.context or response.context.get("stats") is None


def test_each_table_exports_as_csv_with_the_page_numbers(client, manager, venue, scene):
    client.force_login(manager)

    response = client.get(stats_url(venue), {**JANUARY, "_export": "csv", "_table": "space"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_space = {row["Space"]: row for row in rows}
    assert float(by_space["Hot desks"]["Booked (seat-)hours"]) == 12
    assert float(by_space["Meeting room"]["Open hours"]) == 248
    for table in ("month", "kind", "activity", "reach", "heatmap"):
        exported = client.get(stats_url(venue), {**JANUARY, "_export": "csv", "_table": table})
        assert exported.status_code == 200, table


def test_an_unknown_export_is_a_400(client, manager, venue, room):
    client.force_login(manager)
    response = client.get(stats_url(venue), {**JANUARY, "_export": "csv", "_table": "secrets"})
    assert response.status_code == 400
    response = client.get(stats_url(venue), {**JANUARY, "_export": "exe", "_table": "space"})
    assert response.status_code == 400


def test_tables_sort_by_a_column(client, manager, venue, scene):
    client.force_login(manager)
    response = client.get(stats_url(venue), {**JANUARY, "space-sort": "-booked_hours"})
    assert response.status_code == 200
    names = [row.record["space"] for row in response.context["tables"]["space"].rows]
    assert names == ["Hot desks", "Meeting room"]


def test_the_daily_csv_has_one_row_per_day_and_space(client, manager, venue, scene):
    client.force_login(manager)

    response = client.get(reverse("stats:daily_csv", kwargs={"venue_slug": venue.slug}), JANUARY)

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 31 * 2
    fifth = {row["space"]: row for row in rows if row["date"] == "2027-01-05"}
    assert float(fifth["hot-desks"]["occupancy_percent"]) == 30
    assert float(fifth["meeting-room"]["booked_hours"]) == 4


def test_the_number_of_queries_does_not_grow_with_the_number_of_bookings(
    client, manager, venue, scene
):
    client.force_login(manager)
    url = stats_url(venue)
    client.get(url, JANUARY)  # warm caches (content types, sessions)
    cache.clear()  # the stats computed, not read from the cache (stats/cache.py)
    with CaptureQueriesContext(connection) as few:
        client.get(url, JANUARY)
    for day in range(6, 31):
        BookingFactory(space=scene["room"], starts_at=at(day, 9), ends_at=at(day, 11))
        BookingFactory(space=scene["pool"], starts_at=at(day, 10), ends_at=at(day, 16))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, JANUARY)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url, JANUARY)

    assert response.context["stats"].hirings == again.context["stats"].hirings == 4 + 50
    assert len(many.captured_queries) == len(few.captured_queries)
    # From the shared cache, the figures are two queries (the validator, the cache) where they
    # were seven, and nothing is written: session, member (with the menu's "manages a venue?",
    # members.backends), venue, those two, the proxy values and the attendance table (spaces,
    # bookings).
    assert len(cached.captured_queries) == 8


def test_only_the_export_formats_that_work_here_are_accepted(client, manager, venue, room):
    client.force_login(manager)
    offered = views.export_formats()
    assert "csv" in offered

    for export_format in ("csv", "json", "xlsx", "ods", "yaml", "xls", "latex", "tsv"):
        response = client.get(
            stats_url(venue), {**JANUARY, "_export": export_format, "_table": "space"}
        )
        if export_format in offered:
            assert response.status_code == 200, export_format
        else:
            assert response.status_code == 400, export_format
            assert "choose _export= one of csv" in response.content.decode()


def test_an_export_whose_library_is_missing_is_a_400_with_a_message(
    client, manager, venue, room, monkeypatch
):
    monkeypatch.setattr(views, "export_formats", lambda: ["csv"])
    client.force_login(manager)
    response = client.get(stats_url(venue), {**JANUARY, "_export": "json", "_table": "space"})
    assert response.status_code == 400
    assert "choose _export= one of csv and _table= one of" in response.content.decode()


def test_every_export_link_on_the_stats_page_works(client, manager, venue, scene):
    client.force_login(manager)
    page = client.get(stats_url(venue), JANUARY).content.decode()
    links = set(re.findall(r'href="(\?[^"]*_export=[^"]*)"', page))
    assert len(links) >= 6
    for link in links:
        response = client.get(stats_url(venue) + html.unescape(link))
        assert response.status_code == 200, link


# Open data -----------------------------------------------------------------------------------


def usage(kind: str, venue) -> str:
    return reverse(f"stats:usage_{kind}", kwargs={"venue_slug": venue.slug})


def test_open_data_is_hidden_unless_the_venue_publishes_its_impact(client, member, venue, room):
    assert client.get(usage("csv", venue)).status_code == 404
    client.force_login(member)
    assert client.get(usage("json", venue)).status_code == 404


def test_managers_can_pull_their_open_data_before_publishing(client, manager, venue, room):
    client.force_login(manager)
    assert (
        client.get(usage("json", venue), {"start": "2027-01-01", "end": "2027-01-31"}).status_code
        == 200
    )


def test_published_open_data_agrees_with_the_stats_page(client, manager, venue, scene):
    venue.publish_impact = True
    venue.save()
    params = {"start": "2027-01-01", "end": "2027-01-31"}

    as_json = client.get(usage("json", venue), params).json()
    as_csv = list(
        csv.DictReader(io.StringIO(client.get(usage("csv", venue), params).content.decode()))
    )
    client.force_login(manager)
    page = client.get(stats_url(venue), JANUARY).context["stats"]

    assert len(as_json["days"]) == len(as_csv) == 62
    assert "booker" not in as_json["days"][0] and "organisation" not in as_json["days"][0]
    for space in (scene["room"], scene["pool"]):
        json_hours = sum(
            row["booked_hours"] for row in as_json["days"] if row["space"] == space.slug
        )
        csv_hours = sum(float(row["booked_hours"]) for row in as_csv if row["space"] == space.slug)
        open_hours = sum(row["open_hours"] for row in as_json["days"] if row["space"] == space.slug)
        assert json_hours == pytest.approx(page.by_space[space.pk].booked_hours)
        assert csv_hours == pytest.approx(page.by_space[space.pk].booked_hours)
        assert open_hours == pytest.approx(page.by_space[space.pk].open_hours)
    fifth = next(
        row
        for row in as_json["days"]
        if row["date"] == "2027-01-05" and row["space"] == "hot-desks"
    )
    assert fifth["occupancy_percent"] == 30


def test_open_data_defaults_to_the_last_thirty_days(client, venue, room, frozen_now):
    venue.publish_impact = True
    venue.save()
    days = client.get(usage("json", venue)).json()["days"]
    assert len(days) == 30
    assert days[-1]["date"] == (frozen_now.date()).isoformat()
    assert days[0]["date"] == (frozen_now.date() - timedelta(days=29)).isoformat()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "2027-02-01", "end": "2027-01-01"},
            "The end date must be on or after the start date.",
        ),
        ({"start": "garbage"}, "Dates must be written as YYYY-MM-DD"),
        ({"start": "99999-01-01"}, "Dates must be written as YYYY-MM-DD"),
        (
            {"start": "9999-01-01", "end": "9999-01-02"},
            "Choose dates between the years 2000 and 2100 (start=9999-01-01).",
        ),
        ({"end": "0001-01-01"}, "Choose dates between the years 2000 and 2100 (end=0001-01-01)."),
        ({"start": "0001-01-01"}, "(start=0001-01-01)"),
        ({"end": "9999-12-31"}, "(end=9999-12-31)"),
        ({"start": "9999-12-31", "end": "9999-12-31"}, "(start=9999-12-31)"),
        ({"start": "0001-01-01", "end": "0001-01-01"}, "(start=0001-01-01)"),
        ({"start": "2025-01-01", "end": "2027-01-01"}, "Ask for at most 366 days at a time."),
    ],
)
def test_bad_open_data_dates_are_a_400_with_a_message(client, venue, room, params, message):
    venue.publish_impact = True
    venue.save()
    for kind in ("csv", "json"):
        response = client.get(usage(kind, venue), params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_the_venue_page_links_render_for_managers(rf, venue, room):
    from django.template.loader import render_to_string

    html = render_to_string("stats/_venue_links.html", {"venue": venue})

    assert reverse("stats:venue", kwargs={"venue_slug": venue.slug}) in html
    assert (
        reverse("stats:space", kwargs={"venue_slug": venue.slug, "space_slug": room.slug}) in html
    )


def book_on(space, day: date, hours: tuple[int, int] = (10, 12), **kwargs):
    return BookingFactory(
        space=space,
        starts_at=datetime(day.year, day.month, day.day, hours[0], tzinfo=UTC),
        ends_at=datetime(day.year, day.month, day.day, hours[1], tzinfo=UTC),
        **kwargs,
    )


@pytest.fixture
def past_and_future(venue, room):
    """Today is 4 January 2027: bookings since September 2026, and some still to come."""
    for day in (date(2026, 9, 15), date(2026, 10, 6), date(2026, 11, 10), date(2026, 12, 8)):
        book_on(room, day)
    for day in (date(2027, 1, 5), date(2027, 1, 12), date(2027, 2, 2)):
        book_on(room, day, (9, 17))


def test_the_default_period_is_the_last_three_complete_months(
    client, manager, venue, past_and_future, frozen_now
):
    client.force_login(manager)

    default = client.get(stats_url(venue))
    asked = client.get(
        stats_url(venue), {"kind": "custom", "start": "2026-10-01", "end": "2026-12-31"}
    )

    stats = default.context["stats"]
    assert stats.period == Period(date(2026, 10, 1), date(2026, 12, 31))
    # Nothing from today on (the 9:00-17:00 bookings of January and February) is counted.
    assert stats.hirings == 3
    assert stats.rooms.booked_hours == pytest.approx(6)
    assert stats.rooms.occupancy == pytest.approx(asked.context["stats"].rooms.occupancy)
    assert stats.rooms.capacity_hours == asked.context["stats"].rooms.capacity_hours == 92 * 8
    page = default.content.decode()
    assert "Showing October–December 2026, the last three complete months." in page
    assert "Choose another period below." in page
    # The picker shows the period on screen, as custom dates.
    assert 'value="2026-10-01"' in page and 'value="2026-12-31"' in page


def test_a_venue_whose_records_started_three_weeks_ago_defaults_to_those_three_weeks(
    client, manager, venue, room, frozen_now
):
    book_on(room, date(2026, 12, 14))
    book_on(room, date(2027, 1, 11))  # still to come
    client.force_login(manager)

    response = client.get(stats_url(venue))

    stats = response.context["stats"]
    assert stats.period == Period(date(2026, 12, 14), date(2027, 1, 3))
    assert stats.period.days == 21
    assert stats.hirings == 1
    assert stats.rooms.occupancy == pytest.approx(100 * 2 / (21 * 8))
    assert (
        "Showing 14 December 2026 to 3 January 2027: every complete day since the first booking."
        in response.content.decode()
    )


def test_the_default_period_starts_on_the_opening_day_not_with_the_bookings_before_it(
    client, manager, venue, room, frozen_now
):
    venue.opened_for_sharing_on = date(2026, 11, 16)
    venue.save()
    book_on(room, date(2026, 6, 2))  # recorded before sharing: the "before", not the period
    book_on(room, date(2026, 11, 17))
    client.force_login(manager)

    response = client.get(stats_url(venue))

    stats = response.context["stats"]
    assert stats.period == Period(date(2026, 11, 16), date(2027, 1, 3))
    assert stats.before is not None
    assert "every complete day since the venue opened for sharing." in response.content.decode()


def test_an_asked_for_period_wins_and_is_flagged_when_it_is_not_over(
    client, manager, venue, past_and_future, frozen_now
):
    client.force_login(manager)

    response = client.get(stats_url(venue), {"kind": "month", "on": "2027-01-04"})

    assert response.context["stats"].period == Period(date(2027, 1, 1), date(2027, 1, 31))
    page = response.content.decode()
    assert "Showing" not in page
    assert "This period runs to today or later" in page


def test_a_venue_with_no_bookings_yet_says_so_over_the_last_three_months(
    client, manager, venue, room, frozen_now
):
    client.force_login(manager)

    response = client.get(stats_url(venue))

    assert response.context["stats"].period == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert "no booking is recorded before today yet" in response.content.decode()


def test_the_daily_csv_of_the_default_period_matches_the_page(
    client, manager, venue, past_and_future, frozen_now
):
    client.force_login(manager)

    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("stats:daily_csv", kwargs={"venue_slug": venue.slug})
                ).content.decode()
            )
        )
    )

    assert rows[0]["date"] == "2026-10-01" and rows[-1]["date"] == "2026-12-31"
    assert sum(float(row["booked_hours"]) for row in rows) == pytest.approx(6)


def test_a_venue_without_spaces_shows_zero_rather_than_failing(client):
    from tests.factories import VenueFactory

    empty = VenueFactory(name="Empty hall", slug="empty-hall")
    boss = MemberFactory()
    empty.managers.add(boss)
    client.force_login(boss)

    response = client.get(stats_url(empty), JANUARY)

    assert response.status_code == 200
    assert response.context["stats"].total.occupancy == 0
    assert "0.0%" in response.content.decode()


def test_the_daily_csv_refuses_a_bad_period_with_a_message(client, manager, venue, room):
    client.force_login(manager)
    url = reverse("stats:daily_csv", kwargs={"venue_slug": venue.slug})
    response = client.get(url, {"kind": "custom", "start": "2027-02-01", "end": "2027-01-01"})
    assert response.status_code == 400
    assert "The period must end on or after the day it starts." in response.content.decode()


def test_pending_bookings_are_mentioned_but_not_counted_on_the_page(client, manager, venue, room):
    from bookings.models import Booking

    BookingFactory(space=room, starts_at=at(5, 9), ends_at=at(5, 10), status=Booking.Status.PENDING)
    client.force_login(manager)
    response = client.get(stats_url(venue), JANUARY)
    assert "1 booking awaiting approval is not counted." in response.content.decode()
    assert response.context["stats"].total.booked_hours == 0


def test_the_period_picker_writes_dates_as_a_date_input_reads_them(
    client, manager, venue, room, frozen_now
):
    client.force_login(manager)
    page = client.get(
        stats_url(venue), {"kind": "custom", "start": "2027-01-02", "end": "2027-01-09"}
    ).content.decode()
    assert 'value="2027-01-02"' in page and 'value="2027-01-09"' in page


def test_space_names_in_charts_are_escaped(client, manager, venue):
    from tests.factories import SpaceFactory

    SpaceFactory(venue=venue, name='<img src=x onerror="alert(1)">', slug="sneaky")
    client.force_login(manager)

    page = client.get(stats_url(venue), JANUARY).content.decode()

    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x" in page


def test_the_funder_report_is_the_page_without_its_controls_with_definitions(
    client, manager, venue, scene, frozen_now
):
    client.force_login(manager)
    response = client.get(stats_url(venue), {**JANUARY, "print": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="stats print-mode"' in page
    assert "Report for funders and partners, prepared on 4 January 2027" in page
    assert "From 1 January 2027 to 31 January 2027" in page
    for section in (
        "Headline figures",
        "Charts",
        "Hirer mix",
        "Activities",
        "Local reach",
        "Definitions",
    ):
        assert section in page
    # The way back keeps the period and drops only print=1.
    assert 'href="?kind=month&amp;on=2027-01-15"' in page


# Rooms and desk pools are reported apart ---------------------------------------------------


@pytest.fixture
def room_and_twenty_desks(venue, room):
    """Week of 4-10 January 2027, open 09:00-17:00 daily: the room booked 4 hours on the 5th,
    and 5 of the 20 desks booked all day on the 5th (40 seat-hours)."""
    pool = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=20)
    venue.baseline_weekly_hours = 6
    venue.save()
    BookingFactory(space=room, starts_at=at(5, 9), ends_at=at(5, 13))
    for _ in range(5):
        BookingFactory(space=pool, starts_at=at(5, 9), ends_at=at(5, 17))
    return pool


WEEK = {"kind": "custom", "start": "2027-01-04", "end": "2027-01-10"}


def test_rooms_and_desk_pools_are_counted_apart_with_hand_computed_figures(
    client, manager, venue, room_and_twenty_desks
):
    client.force_login(manager)

    response = client.get(stats_url(venue), WEEK)

    stats = response.context["stats"]
    # The room: 7 days x 8 h = 56 open hours, 4 booked. The desks: 20 x 56 = 1,120 open
    # seat-hours, 5 x 8 = 40 booked.
    assert stats.rooms.capacity_hours == pytest.approx(56)
    assert stats.rooms.booked_hours == pytest.approx(4)
    assert stats.rooms.occupancy == pytest.approx(100 * 4 / 56)
    assert stats.desks.capacity_hours == pytest.approx(1120)
    assert stats.desks.booked_hours == pytest.approx(40)
    assert stats.desks.occupancy == pytest.approx(100 * 40 / 1120)
    assert stats.weekly_room_hours == pytest.approx(4)
    assert stats.weekly_desk_seat_hours == pytest.approx(40)
    page = response.content.decode()
    assert "Rooms and halls: 1 space, in hours" in page
    assert "Desk pools: 1 pool, in seat-hours" in page
    headline = page[page.index('id="headline"') : page.index('id="charts"')]
    assert "Open room hours</dt><dd>56.0</dd>" in headline
    assert "Booked room hours</dt><dd>4.0</dd>" in headline
    assert "Open seat-hours (seats x open hours)</dt><dd>1,120.0</dd>" in headline
    assert "Booked seat-hours</dt><dd>40.0</dd>" in headline
    assert "Occupancy</dt><dd>7.1%" in headline and "Occupancy</dt><dd>3.6%" in headline
    # No line adds the two: 44 booked "hours" of 1,176 appear nowhere.
    assert "44.0" not in headline and "1,176" not in headline


def test_before_and_after_compares_room_hours_with_the_room_baseline(
    client, manager, venue, room_and_twenty_desks
):
    client.force_login(manager)

    response = client.get(stats_url(venue), WEEK)

    headline = response.content.decode()
    headline = headline[headline.index('id="headline"') : headline.index('id="charts"')]
    assert "Booked room hours in an average week</dt><dd>4.0" in headline
    assert "about 6 before sharing, the managers' estimate" in headline
    chart = next(c for c in response.context["charts"] if "before sharing" in c.title)
    assert chart.summary == (
        "In this period the rooms were booked 4.0 hours in an average week; the managers estimate"
        " their rooms' use before sharing at about 6.0 hours a week."
    )


def test_the_stats_of_one_space_leave_the_venues_baseline_out(
    client, manager, venue, room, room_and_twenty_desks
):
    client.force_login(manager)
    url = reverse("stats:space", kwargs={"venue_slug": venue.slug, "space_slug": room.slug})

    response = client.get(url, WEEK)

    assert response.context["stats"].baseline_weekly_hours is None
    assert "the managers' estimate)" not in response.content.decode()


def test_the_impact_page_publishes_rooms_and_desk_pools_apart(client, venue, room_and_twenty_desks):
    venue.publish_impact = True
    venue.save()

    response = client.get(reverse("stats:impact", kwargs={"venue_slug": venue.slug}), WEEK)

    figures = response.context["figures"]
    assert figures.room_open_hours == 56
    assert figures.desk_open_seat_hours == 1120
    # Fewer than 10 hirings of each kind: their use is suppressed, the open hours are not.
    assert figures.room_booked_hours is None and figures.desk_booked_seat_hours is None
    page = response.content.decode()
    assert "Rooms: open hours</dt><dd>56</dd>" in page
    assert "Desk pools: open seat-hours</dt><dd>1120</dd>" in page
