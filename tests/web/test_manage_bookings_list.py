"""A venue manager lists every booking of the venue, filters it by space, status, organisation and
dates, and downloads exactly the filtered rows as CSV; nobody else sees it."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

URL = "/manage/venues/st-lukes/bookings/"


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Hall", slug="hall", capacity=60)


@pytest.fixture
def charity(db):
    return OrganisationFactory(name="Ladywood Food Bank", kind="charity")


@pytest.fixture
def bookings(room, hall, member, other_member, charity):
    """Three bookings at St Luke's (10:00 UTC is 10:00 in London in January) and one elsewhere."""
    elsewhere = SpaceFactory(venue=VenueFactory(name="Lab", slug="lab"), name="Lab room")
    return {
        "review": BookingFactory(
            space=room,
            booker=member,
            title="Portfolio review",
            starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC),
        ),
        "pantry": BookingFactory(
            space=hall,
            booker=other_member,
            organisation=charity,
            title="Pantry",
            attendees=25,
            status=Booking.Status.PENDING,
            starts_at=datetime(2027, 1, 6, 14, tzinfo=UTC),
        ),
        "cancelled": BookingFactory(
            space=room,
            booker=other_member,
            title="Call off",
            status=Booking.Status.CANCELLED,
            starts_at=datetime(2027, 1, 8, 9, tzinfo=UTC),
        ),
        "elsewhere": BookingFactory(space=elsewhere, title="Lab secret"),
    }


def titles(page) -> list[str]:
    return [row.record.title for row in page.context["table"].paginated_rows]


def test_a_manager_sees_every_booking_of_the_venue_with_who_what_and_status(
    manager_client, bookings
):
    page = manager_client.get(URL)
    assert page.status_code == 200
    assert titles(page) == ["Portfolio review", "Pantry", "Call off"]
    text = page.content.decode()
    for expected in [
        "Tue 5 Jan 2027, 10:00–11:00",
        "Meeting room",
        "Fay Freelancer",
        "freelancer@example.org",
        "Ladywood Food Bank",
        "Themselves",
        "Awaiting approval",
        "Cancelled",
        f'href="{bookings["review"].get_absolute_url()}"',
        "3 bookings",
    ]:
        assert expected in text
    assert "Lab secret" not in text


def test_opened_without_a_filter_it_starts_today_and_says_so(manager_client, bookings, room):
    BookingFactory(space=room, title="Last year", starts_at=datetime(2026, 12, 1, 10, tzinfo=UTC))
    page = manager_client.get(URL)
    assert page.context["form"]["starts_on"].value() == "2027-01-04"
    assert "Last year" not in titles(page)
    assert "Show every booking, past ones too" in page.content.decode()
    # Its pages, sorting and CSV ask without a filter too, so they hold the same rows.
    assert "Last year" not in manager_client.get(URL, {"_export": "csv"}).content.decode()
    assert "Last year" not in titles(manager_client.get(URL, {"sort": "-when"}))
    everything = manager_client.get(URL, {"starts_on": ""})
    assert titles(everything) == ["Last year", "Portfolio review", "Pantry", "Call off"]


def test_the_times_are_in_the_venues_own_zone(manager_client, venue, bookings):
    venue.time_zone = "America/New_York"
    venue.save()
    page = manager_client.get(URL)
    assert "Tue 5 Jan 2027, 05:00–06:00 (America/New_York)" in page.content.decode()


def test_the_manager_pages_link_to_the_list(manager_client, bookings):
    page = manager_client.get("/manage/venues/st-lukes/day/")
    assert f'href="{URL}"' in page.content.decode()
    assert 'aria-current="page">Bookings<' in manager_client.get(URL).content.decode()


def test_it_filters_by_space(manager_client, bookings, hall):
    page = manager_client.get(URL, {"space": hall.pk})
    assert titles(page) == ["Pantry"]
    assert "1 booking matches" in page.content.decode()


def test_it_filters_by_status(manager_client, bookings):
    assert titles(manager_client.get(URL, {"status": "cancelled"})) == ["Call off"]


def test_it_filters_by_organisation(manager_client, bookings, charity):
    assert titles(manager_client.get(URL, {"organisation": charity.pk})) == ["Pantry"]


def test_only_organisations_that_booked_here_are_offered(manager_client, bookings, charity):
    OrganisationFactory(name="Somewhere Else Trust")
    choices = manager_client.get(URL).context["form"].fields["organisation"].queryset
    assert list(choices) == [charity]


def test_it_filters_by_local_dates_both_days_included(manager_client, bookings):
    page = manager_client.get(URL, {"starts_on": "2027-01-06", "ends_on": "2027-01-08"})
    assert titles(page) == ["Pantry", "Call off"]
    assert titles(manager_client.get(URL, {"ends_on": "2027-01-05"})) == ["Portfolio review"]


def test_the_date_range_is_the_venues_local_days(manager_client, venue, room):
    # 22:30–23:30 on 5 January in New York is already 6 January in UTC.
    venue.time_zone = "America/New_York"
    venue.save()
    BookingFactory(space=room, title="Late", starts_at=datetime(2027, 1, 6, 3, 30, tzinfo=UTC))
    assert titles(
        manager_client.get(URL, {"starts_on": "2027-01-05", "ends_on": "2027-01-05"})
    ) == ["Late"]
    assert titles(manager_client.get(URL, {"starts_on": "2027-01-06"})) == []


def test_the_filters_combine(manager_client, bookings, room):
    page = manager_client.get(URL, {"space": room.pk, "status": "confirmed"})
    assert titles(page) == ["Portfolio review"]


def test_an_empty_filter_shows_everything(manager_client, bookings):
    page = manager_client.get(
        URL, {"space": "", "status": "", "organisation": "", "starts_on": "", "ends_on": ""}
    )
    assert len(titles(page)) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"space": "999999"},
        {"space": "not-a-number"},
        {"status": "lost"},
        {"organisation": "abc"},
        {"starts_on": "tomorrow"},
        {"starts_on": "1066-10-14"},
        {"starts_on": "2027-01-08", "ends_on": "2027-01-05"},
        {"ends_on": "2027-02-30"},
    ],
)
def test_a_bad_filter_gives_a_message_and_the_whole_list(manager_client, bookings, query):
    page = manager_client.get(URL, query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The filter was not understood, so here is every booking." in text
    assert "Please check the form" in text
    assert len(titles(page)) == 3
    assert "_export=csv" not in text  # it would not be what the page shows


def test_another_venues_space_is_a_bad_filter_not_a_peek(manager_client, bookings):
    other_space = bookings["elsewhere"].space
    page = manager_client.get(URL, {"space": other_space.pk})
    assert "Lab secret" not in page.content.decode()
    assert len(titles(page)) == 3


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_exactly_the_filtered_rows(manager_client, bookings, room):
    response = manager_client.get(URL, {"space": room.pk, "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"] == 'attachment; filename="st-lukes-bookings-2027-01-04.csv"'
    )
    header, *rows = read_csv(response)
    assert header == [
        "When",
        "Space",
        "Booking",
        "Booker",
        "For",
        "People",
        "Status",
        "Starts (local)",
        "Ends (local)",
        "Booker's email",
    ]
    assert rows == [
        [
            "Tue 5 Jan 2027, 10:00–11:00",
            "Meeting room",
            "Portfolio review",
            "Fay Freelancer",
            "",
            "1",
            "Confirmed",
            "2027-01-05 10:00",
            "2027-01-05 11:00",
            "freelancer@example.org",
        ],
        [
            "Fri 8 Jan 2027, 09:00–10:00",
            "Meeting room",
            "Call off",
            "Otto Other",
            "",
            "1",
            "Cancelled",
            "2027-01-08 09:00",
            "2027-01-08 10:00",
            "other@example.org",
        ],
    ]


def test_the_csv_has_every_filtered_row_not_just_one_page(manager_client, room):
    start = datetime(2027, 2, 1, 9, tzinfo=UTC)
    for day in range(30):
        BookingFactory(space=room, starts_at=start + timedelta(days=day))
    assert len(manager_client.get(URL).context["table"].paginated_rows) == 25
    assert len(read_csv(manager_client.get(URL, {"_export": "csv"}))) == 31


def test_the_csv_keeps_the_pages_sort_order(manager_client, bookings):
    header, *rows = read_csv(manager_client.get(URL, {"sort": "-when", "_export": "csv"}))
    assert [row[2] for row in rows] == ["Call off", "Pantry", "Portfolio review"]


def test_a_title_a_spreadsheet_would_run_is_quoted_in_the_csv(manager_client, room):
    BookingFactory(space=room, title='=HYPERLINK("http://evil.test")')
    _header, row = read_csv(manager_client.get(URL, {"_export": "csv"}))
    assert row[2] == '\'=HYPERLINK("http://evil.test")'


def test_only_csv_is_offered(manager_client, bookings):
    response = manager_client.get(URL, {"_export": "xlsx"})
    assert response.status_code == 400
    assert "choose _export=csv" in response.content.decode()
    assert "_export=csv" in manager_client.get(URL).content.decode()


def test_a_csv_with_a_bad_filter_is_refused_with_the_reason(manager_client, bookings):
    response = manager_client.get(URL, {"status": "lost", "_export": "csv"})
    assert response.status_code == 400
    assert "nothing was exported" in response.content.decode()
    assert "Status" in response.content.decode()


def test_the_list_needs_a_login(client, bookings):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(URL, {"_export": "csv"}).status_code == 302


def test_a_member_gets_a_404(client, member, bookings):
    client.force_login(member)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"_export": "csv"}).status_code == 404


def test_a_manager_of_another_venue_gets_a_404(client, bookings):
    elsewhere = MemberFactory()
    bookings["elsewhere"].space.venue.managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"_export": "csv"}).status_code == 404


def test_another_venues_bookings_never_appear_even_to_their_manager(client, manager, bookings):
    # Managing both venues, the list of one still holds only its own bookings.
    bookings["elsewhere"].space.venue.managers.add(manager)
    client.force_login(manager)
    assert "Lab secret" not in client.get(URL).content.decode()
    assert "Lab secret" not in client.get(URL, {"_export": "csv"}).content.decode()


def count_queries(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, query).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"_export": "csv"}])
def test_the_number_of_queries_does_not_grow_with_the_rows(manager_client, room, query):
    organisations = [OrganisationFactory() for _ in range(3)]
    start = datetime(2027, 2, 1, 9, tzinfo=UTC)

    def add(count: int) -> None:
        for n in range(count):
            BookingFactory(
                space=room,
                booker=MemberFactory(),
                organisation=organisations[n % 3],
                starts_at=start + timedelta(days=Booking.objects.count()),
            )

    add(3)
    few = count_queries(manager_client, query)
    add(27)
    assert count_queries(manager_client, query) == few
