from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from members.models import Organisation
from stats.disclosure import protect, protect_districts, rounded, safe_count, safe_percent
from tests.factories import BookingFactory, OrganisationFactory, SpaceFactory

LABELS = {
    "charity": "Charity",
    "business": "Business",
    "community_group": "Community group",
    "public_body": "Public body",
}


def shown(table) -> dict:
    return {cell.key: cell.count for cell in table.cells}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, 10), (12, 10), (12.5, 15), (13, 15), (17, 15), (18, 20), (100, 100)],
)
def test_counts_are_rounded_to_the_nearest_five(value, expected):
    assert rounded(value) == expected


def test_counts_under_ten_are_suppressed_and_the_rest_rounded():
    assert safe_count(0) is None
    assert safe_count(9) is None
    assert safe_count(10) == 10
    assert safe_count(23) == 25


def test_percentages_are_shown_only_when_based_on_ten_or_more():
    assert safe_percent(42.4, based_on=9) is None
    assert safe_percent(42.4, based_on=10) == 42


def test_a_table_with_no_small_cells_is_only_rounded():
    table = protect(
        {"charity": 30, "business": 12, "community_group": 11, "public_body": 22}, LABELS
    )
    assert shown(table) == {"charity": 30, "business": 10, "community_group": 10, "public_body": 20}
    assert table.total == 75  # 75 exactly


def test_a_single_small_cell_beside_a_total_hides_the_next_smallest_so_it_cannot_be_subtracted():
    # Charity 30, business 12, community group 4, public body 0: total 46. Without secondary
    # suppression, 46 - 30 - 12 - 0 would give away the community group's 4.
    table = protect({"charity": 30, "business": 12, "community_group": 4}, LABELS)

    assert shown(table) == {
        "charity": 30,
        "business": None,
        "community_group": None,
        "public_body": None,
    }
    assert table.total == 45


def test_two_small_non_zero_cells_protect_each_other():
    table = protect({"charity": 30, "business": 12, "community_group": 4, "public_body": 3}, LABELS)
    assert shown(table) == {
        "charity": 30,
        "business": 10,
        "community_group": None,
        "public_body": None,
    }


def test_a_total_under_ten_hides_the_whole_table():
    table = protect({"charity": 6, "business": 2}, LABELS)
    assert table.total is None
    assert set(shown(table).values()) == {None}


def test_hours_are_hidden_wherever_the_count_is():
    table = protect(
        {"charity": 30, "business": 4}, LABELS, hours={"charity": 61.0, "business": 7.5}
    )
    hours = {cell.key: cell.hours for cell in table.cells}
    assert hours == {
        "charity": None,
        "business": None,
        "community_group": None,
        "public_body": None,
    }
    table = protect(
        {"charity": 30, "business": 14, "community_group": 3, "public_body": 2},
        LABELS,
        hours={"charity": 61.0},
    )
    assert {cell.key: cell.hours for cell in table.cells}["charity"] == 60


def test_small_postcode_districts_are_pooled_before_protecting():
    table = protect_districts({"B16": 14, "B1": 3, "B18": 2}, "Other")
    # Other pools 5 hirers: hidden, and being the only hidden cell, B16 goes too.
    assert shown(table) == {"B16": None, "Other": None}
    assert table.total == 20
    table = protect_districts({"B16": 14, "B1": 11, "B18": 2, "B17": 3}, "Other")
    assert shown(table) == {"B1": None, "B16": 15, "Other": None}


# The page ------------------------------------------------------------------------------------


@pytest.fixture
def busy_year(venue, room):
    """14 charity hirings and 3 by a business, in 2027, each of 2 hours."""
    charity = OrganisationFactory(
        name="Ladywood Lunch Club", kind=Organisation.Kind.CHARITY, postcode_district="B16"
    )
    business = OrganisationFactory(
        name="Acme Widgets Ltd", kind=Organisation.Kind.BUSINESS, postcode_district="B1"
    )
    start = datetime(2027, 1, 4, 10, tzinfo=UTC)
    for n in range(14):
        day = start + timedelta(days=n)
        BookingFactory(
            space=room,
            organisation=charity,
            starts_at=day,
            ends_at=day + timedelta(hours=2),
            attendees=20,
        )
    for n in range(3):
        day = start + timedelta(days=n, hours=3)
        BookingFactory(
            space=room, organisation=business, starts_at=day, ends_at=day + timedelta(hours=2)
        )


def impact_url(venue) -> str:
    return reverse("stats:impact", kwargs={"venue_slug": venue.slug})


@pytest.mark.django_db
def test_the_impact_page_is_a_404_unless_the_venue_publishes_it(client, venue, room):
    assert client.get(impact_url(venue)).status_code == 404


@pytest.mark.django_db
def test_the_public_impact_page_shows_protected_figures_and_no_names(client, venue, busy_year):
    venue.publish_impact = True
    venue.save()

    response = client.get(impact_url(venue), {"kind": "year", "on": "2027-06-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ladywood Lunch Club" not in page and "Acme" not in page
    figures = response.context["figures"]
    assert figures.hirings == 15  # 17 rounded
    assert figures.room_booked_hours == 35  # 34 rounded
    assert figures.participant_visits == 285  # 14 x 20 + 3 = 283 rounded
    mix = {cell.key: cell.count for cell in figures.room_hirer_mix.cells}
    assert mix["charity"] is None  # 14, hidden so the business's 3 cannot be subtracted from 15
    assert mix["business"] is None
    assert figures.room_hirer_mix.total == 15
    hirers = {cell.key: cell.count for cell in figures.hirers.cells}
    assert hirers == {"new": None, "returning": None}  # two hirers in all
    assert "[c]" in page


@pytest.mark.django_db
def test_bad_input_on_the_impact_page_is_a_clear_message(client, venue, room):
    venue.publish_impact = True
    venue.save()
    response = client.get(
        impact_url(venue), {"kind": "custom", "start": "2027-02-01", "end": "2027-01-01"}
    )
    assert response.status_code == 400
    assert "The period must end on or after the day it starts." in response.content.decode()


def _hire(space, count: int, *, hour: int) -> None:
    """`count` two-hour confirmed bookings of `space`, one a day from Monday 4 January 2027."""
    organisation = OrganisationFactory(kind=Organisation.Kind.COMMUNITY_GROUP)
    for n in range(count):
        start = datetime(2027, 1, 4, hour, tzinfo=UTC) + timedelta(days=n)
        BookingFactory(
            space=space,
            organisation=organisation,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )


@pytest.mark.django_db
def test_per_space_use_is_shown_only_where_hirings_are_enough_and_cannot_be_subtracted(
    client, venue, room
):
    venue.publish_impact = True
    venue.save()
    hall = SpaceFactory(venue=venue, name="Main hall", slug="main-hall")
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio")
    _hire(room, 17, hour=10)
    _hire(hall, 12, hour=10)
    _hire(studio, 3, hour=10)

    response = client.get(impact_url(venue), {"kind": "year", "on": "2027-06-01"})

    assert response.status_code == 200
    spaces = {space.name: space for space in response.context["figures"].spaces}
    # 17 shown (rounded to 15) with its hours and occupancy; the studio's 3 is suppressed, and
    # the hall's 12, the next smallest, with it: otherwise 32 - 17 - 12 would give the studio away.
    assert spaces["Meeting room"].hirings == 15
    assert spaces["Meeting room"].booked_hours == 35  # 34 hours, rounded
    assert spaces["Meeting room"].occupancy is not None
    for name in ("Main hall", "Studio"):
        assert spaces[name].hirings is None
        assert spaces[name].booked_hours is None
        assert spaces[name].occupancy is None
    # Open hours are the venue's published opening hours, not about people: always shown.
    assert all(space.open_hours > 0 for space in spaces.values())
    assert response.context["figures"].hirings == 30  # 32, rounded


@pytest.mark.django_db
def test_the_impact_page_draws_charts_only_from_published_figures(client, venue, room):
    venue.publish_impact = True
    venue.baseline_weekly_hours = 6
    venue.save()
    hall = SpaceFactory(venue=venue, name="Main hall", slug="main-hall")
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio")
    _hire(room, 20, hour=10)
    _hire(hall, 12, hour=14)
    _hire(studio, 4, hour=14)

    response = client.get(impact_url(venue), {"kind": "year", "on": "2027-06-01"})

    charts = response.context["charts"]
    titles = [chart.title for chart in charts]
    assert titles == [
        "Occupancy by space over the period (%)",
        "Booked room hours by kind of hirer (rounded to 5)",
        "Room hours booked in an average week: before sharing and in this period",
    ]
    occupancy = charts[0]
    # The studio's 4 hirings are suppressed, and the hall's 12 with them (36 - 20 - 12 = 4):
    # only the meeting room is drawn, and the chart says which spaces it leaves out.
    assert [label for _colour, label in occupancy.legend] == ["Meeting room"]
    assert "Main hall" not in occupancy.svg
    assert occupancy.summary.startswith("Meeting room ")
    assert occupancy.summary.endswith("Not shown, to protect small numbers: Main hall, Studio.")
    page = response.content.decode()
    assert page.count('role="img"') == 3
    assert (
        "the managers estimate their rooms&#x27; use before sharing at about 6 hours a week" in page
    )


@pytest.mark.django_db
def test_a_quiet_period_draws_no_public_charts_and_says_why(client, venue, room):
    venue.publish_impact = True
    venue.save()
    _hire(room, 3, hour=10)

    response = client.get(impact_url(venue), {"kind": "year", "on": "2027-06-01"})

    assert response.context["charts"] == []
    assert "Too few hirings in this period to draw charts" in response.content.decode()


@pytest.mark.django_db
def test_use_recorded_before_sharing_is_public_only_when_based_on_ten_or_more_hirings(
    client, venue, room
):
    from datetime import date

    venue.publish_impact = True
    venue.opened_for_sharing_on = date(2027, 4, 1)
    venue.save()
    start = datetime(2027, 1, 5, 10, tzinfo=UTC)
    for week in range(9):  # nine Tuesdays before opening: too few to publish
        day = start + timedelta(weeks=week)
        BookingFactory(space=room, starts_at=day, ends_at=day + timedelta(hours=2))
    for n in range(12):  # twelve days from 1 April, after opening
        day = datetime(2027, 4, 1, 10, tzinfo=UTC) + timedelta(days=n)
        BookingFactory(space=room, starts_at=day, ends_at=day + timedelta(hours=2))
    april = {"kind": "custom", "start": "2027-04-01", "end": "2027-06-30"}

    figures = client.get(impact_url(venue), april).context["figures"]
    assert figures.recorded_before_weekly_room_hours is None

    day = start + timedelta(weeks=9)  # a tenth, on 9 March
    BookingFactory(space=room, starts_at=day, ends_at=day + timedelta(hours=2))
    response = client.get(impact_url(venue), april)
    figures = response.context["figures"]
    # 5 January (the first record) to 31 March: 86 days, 20 hours.
    assert figures.recorded_before_weekly_room_hours == round(20 * 7 / 86)
    assert any(
        "bookings recorded before sharing" in chart.summary for chart in response.context["charts"]
    )
