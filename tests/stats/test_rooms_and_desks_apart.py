"""No figure adds a desk pool's seat-hours to a room's hours: the hirer mix, the activities, the
weekday x hour heatmap, the proxy values per booked hour and the public impact page.

One scene, every figure worked out by hand. St Luke's is open 09:00–17:00 every day (Europe/London,
which is UTC in January). In January 2027:
- the meeting room (1 seat): a charity books 10:00–11:00 on each of the 12 days 4–15 January,
  for health and wellbeing, 5 attendees each: 12 room hours, 12 room hirings;
- the hot desks (20 seats), all on Wednesday 6 January: a business books 12 seats 09:00–11:00
  (enterprise): 24 seat-hours; a community group 10 seats 11:00–12:00 and the charity 3 seats
  11:00–12:00 (no activity given): 10 and 3 seat-hours. 37 desk seat-hours, 25 desk hirings.
Added together the charity would have 15 "hours" and the venue 49: no figure shows either.
"""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking
from members.models import Organisation
from stats.models import ProxyValue
from tests.factories import BookingFactory, DeskPoolFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

JANUARY = {"kind": "month", "on": "2027-01-15"}


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


def hire(space, organisation, count, start, hours, activity="", attendees=1) -> None:
    for n in range(count):
        starts = start(n)
        BookingFactory(
            space=space,
            organisation=organisation,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            activity=activity,
            attendees=attendees,
        )


@pytest.fixture
def scene(venue, room):
    pool = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=20, capacity=20)
    charity = OrganisationFactory(name="Ladywood Lunch Club", kind=Organisation.Kind.CHARITY)
    business = OrganisationFactory(name="Acme Ltd", kind=Organisation.Kind.BUSINESS)
    group = OrganisationFactory(name="Friends of the Park", kind=Organisation.Kind.COMMUNITY_GROUP)
    hire(room, charity, 12, lambda n: at(4 + n, 10), 1, Booking.Activity.HEALTH, attendees=5)
    hire(pool, business, 12, lambda n: at(6, 9), 2, Booking.Activity.ENTERPRISE)
    hire(pool, group, 10, lambda n: at(6, 11), 1)
    hire(pool, charity, 3, lambda n: at(6, 11), 1)
    return {"room": room, "pool": pool}


def stats_url(venue) -> str:
    return reverse("stats:venue", kwargs={"venue_slug": venue.slug})


def impact_url(venue) -> str:
    return reverse("stats:impact", kwargs={"venue_slug": venue.slug})


def rows_of(table) -> dict[str, dict]:
    """A table's rows keyed by their first cell, as the CSV export writes them."""
    lines = list(csv.DictReader(io.StringIO(table)))
    first = next(iter(lines[0]))
    return {line[first]: line for line in lines}


def export(client, venue, name: str) -> dict[str, dict]:
    response = client.get(stats_url(venue), {**JANUARY, "_export": "csv", "_table": name})
    assert response.status_code == 200
    return rows_of(response.content.decode())


def test_the_hirer_mix_shows_room_hours_and_desk_seat_hours_in_columns_of_their_own(
    client, manager, venue, scene
):
    client.force_login(manager)

    rows = export(client, venue, "kind")

    assert list(rows["Charity"]) == [
        "Kind of hirer",
        "Booked room hours",
        "Share of room hours %",
        "Booked desk seat-hours",
        "Share of desk seat-hours %",
        "Hirings",
        "Participant visits (declared)",
    ]
    # Each share is of its own total: 12 room hours, 37 desk seat-hours.
    assert rows["Charity"] == {
        "Kind of hirer": "Charity",
        "Booked room hours": "12.0",
        "Share of room hours %": "100.0",
        "Booked desk seat-hours": "3.0",
        "Share of desk seat-hours %": "8.1",  # 3 / 37
        "Hirings": "15",  # bookings: 12 of the room and 3 of the desks
        "Participant visits (declared)": "63",  # 12 x 5 + 3
    }
    assert rows["Business"]["Booked room hours"] == "0.0"
    assert rows["Business"]["Booked desk seat-hours"] == "24.0"
    assert rows["Business"]["Share of desk seat-hours %"] == "64.9"  # 24 / 37
    assert rows["Community group"]["Share of desk seat-hours %"] == "27.0"  # 10 / 37
    everything = [value for row in rows.values() for value in row.values()]
    assert "15.0" not in everything  # the charity's room hours plus seat-hours
    assert "30.6" not in everything  # 15 / 49, a share of the sum


def test_the_activities_show_room_hours_and_desk_seat_hours_apart(client, manager, venue, scene):
    client.force_login(manager)

    rows = export(client, venue, "activity")

    assert rows["Health and wellbeing"]["Booked room hours"] == "12.0"
    assert rows["Health and wellbeing"]["Booked desk seat-hours"] == "0.0"
    assert rows["Enterprise and work"]["Booked room hours"] == "0.0"
    assert rows["Enterprise and work"]["Booked desk seat-hours"] == "24.0"
    assert rows["Not given"]["Booked desk seat-hours"] == "13.0"
    assert rows["Not given"]["Share of desk seat-hours %"] == "35.1"  # 13 / 37
    assert "Booked hours" not in rows["Not given"]


def test_a_venue_without_desk_pools_has_no_desk_columns(client, manager, venue, room):
    BookingFactory(space=room, starts_at=at(5, 10), ends_at=at(5, 12))
    client.force_login(manager)

    rows = export(client, venue, "kind")

    assert list(rows["Individual member (no organisation)"]) == [
        "Kind of hirer",
        "Booked room hours",
        "Share of room hours %",
        "Hirings",
        "Participant visits (declared)",
    ]


def test_the_heatmap_is_two_tables_rooms_in_hours_and_desk_pools_in_seat_hours(
    client, manager, venue, scene
):
    client.force_login(manager)

    rooms = export(client, venue, "heatmap")
    desks = export(client, venue, "desk_heatmap")

    # Rooms at 10:00: Mondays 4 and 11 of the 4 Mondays of January booked, 2 / 4 = 50%;
    # Saturday 9 of 5 Saturdays, 20%; Wednesdays 6 and 13 of 4, 50%.
    assert rooms["Monday"]["10:00"] == "50.0"
    assert rooms["Saturday"]["10:00"] == "20.0"
    assert rooms["Wednesday"]["10:00"] == "50.0"
    assert rooms["Wednesday"]["09:00"] == "0.0"
    # Desks on Wednesdays at 10:00: 12 seat-hours of 20 seats x 4 Wednesdays = 15%, not the
    # (2 + 12) / (4 + 80) = 16.7% of rooms and desks together; at 11:00, 13 of 80 = 16.25%.
    assert desks["Wednesday"]["10:00"] == "15.0"
    assert desks["Wednesday"]["09:00"] == "15.0"
    assert desks["Monday"]["10:00"] == "0.0"
    assert desks["Wednesday"]["11:00"] in {"16.2", "16.3"}


def test_the_stats_page_and_the_funder_report_show_both_heatmaps_and_both_punch_cards(
    client, manager, venue, scene
):
    client.force_login(manager)

    for params in (JANUARY, {**JANUARY, "print": "1"}):
        response = client.get(stats_url(venue), params)

        page = response.content.decode()
        assert response.context["busy_chart"].title.startswith("Rooms and halls")
        assert response.context["desk_busy_chart"].title.startswith("Desk pools")
        assert page.count('class="table heatmap"') == 2
        assert "Booked room hours" in page and "Booked desk seat-hours" in page
        assert "hours are room hours and desk seat-hours together" not in page
        assert "rooms and desk seats together" not in page


def test_a_value_per_booked_hour_counts_room_hours_only(client, manager, venue, scene):
    fields = {"source": "Our funder's guidance, 2026", "licence": "With permission"}
    ProxyValue.objects.create(
        venue=venue,
        name="Per hour",
        measure=ProxyValue.Measure.BOOKED_HOUR,
        amount=Decimal("10.00"),
        **fields,
    )
    ProxyValue.objects.create(
        venue=venue,
        name="Per enterprise hour",
        measure=ProxyValue.Measure.BOOKED_HOUR,
        activity=Booking.Activity.ENTERPRISE,
        amount=Decimal("10.00"),
        **fields,
    )
    client.force_login(manager)

    rows = export(client, venue, "values")

    # 12 room hours x £10; the 37 desk seat-hours are not valued (the sum would give £490).
    assert rows["Per hour"]["Quantity in the period"] == "12.0"
    assert rows["Per hour"]["Estimate"] == "£120.00"
    assert rows["Per hour"]["Counted"] == "per booked room hour (desk seat-hours not counted)"
    # Enterprise was booked only at the desks: no room hours to value.
    assert rows["Per enterprise hour"]["Estimate"] == "£0.00"


def test_the_impact_page_publishes_the_hirer_mix_of_rooms_and_desk_pools_apart(
    client, venue, scene
):
    venue.publish_impact = True
    venue.save()

    response = client.get(impact_url(venue), JANUARY)

    figures = response.context["figures"]
    rooms = {cell.key: (cell.count, cell.hours) for cell in figures.room_hirer_mix.cells}
    desks = {cell.key: (cell.count, cell.hours) for cell in figures.desk_hirer_mix.cells}
    # Rooms: the charity's 12 hirings and 12 hours, rounded to 10 and 10.
    assert rooms["charity"] == (10, 10)
    assert figures.room_hirer_mix.total == 10
    # Desks, protected on their own hirings: the charity's 3 are suppressed although its 15
    # hirings in all would pass; the community group's 10 go too, else 25 - 12 - 10 = 3.
    # The business shows 12 hirings (10) and 24 seat-hours (25).
    assert desks["charity"] == (None, None)
    assert desks["community_group"] == (None, None)
    assert desks["business"] == (10, 25)
    assert figures.desk_hirer_mix.total == 25
    charts = {chart.title: chart for chart in response.context["charts"]}
    room_chart = charts["Booked room hours by kind of hirer (rounded to 5)"]
    desk_chart = charts["Booked desk seat-hours by kind of hirer (rounded to 5)"]
    assert room_chart.summary.startswith("Charity 10 room hours.")
    assert desk_chart.summary.startswith("Business 25 seat-hours. Not shown")
    assert "Charity" in desk_chart.summary.split("Not shown")[1]
    assert [label for _colour, label in desk_chart.legend] == ["Business"]
    page = response.content.decode()
    assert "Ladywood Lunch Club" not in page and "Acme" not in page
    assert "Booked room hours" in page and "Booked seat-hours" in page


def test_the_impact_page_publishes_activities_of_rooms_and_desk_pools_apart(client, venue, scene):
    venue.publish_impact = True
    venue.save()

    figures = client.get(impact_url(venue), JANUARY).context["figures"]

    rooms = {cell.key: (cell.count, cell.hours) for cell in figures.room_activities.cells}
    desks = {cell.key: (cell.count, cell.hours) for cell in figures.desk_activities.cells}
    assert rooms["health"] == (10, 10)  # 12 and 12
    assert rooms["enterprise"] == (None, None)  # no room hirings
    assert desks["enterprise"] == (10, 25)  # 12 hirings, 24 seat-hours
    assert desks[""] == (15, 15)  # 13 hirings, 13 seat-hours
    assert desks["health"] == (None, None)


def test_a_group_with_few_hirings_is_suppressed_on_the_impact_page_whatever_the_other_group(
    client, venue, room
):
    venue.publish_impact = True
    venue.save()
    pool = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=20, capacity=20)
    charity = OrganisationFactory(kind=Organisation.Kind.CHARITY)
    hire(room, charity, 4, lambda n: at(4 + n, 10), 1)
    hire(pool, charity, 20, lambda n: at(6, 9), 1)

    response = client.get(impact_url(venue), JANUARY)

    figures = response.context["figures"]
    rooms = {cell.key: (cell.count, cell.hours) for cell in figures.room_hirer_mix.cells}
    assert rooms["charity"] == (None, None)  # 4 room hirings: the whole rooms table is hidden
    assert figures.room_hirer_mix.total is None
    assert {cell.key: cell.count for cell in figures.desk_hirer_mix.cells}["charity"] == 20
    titles = [chart.title for chart in response.context["charts"]]
    assert "Booked room hours by kind of hirer (rounded to 5)" not in titles
    assert "Booked desk seat-hours by kind of hirer (rounded to 5)" in titles
    assert "[c]" in response.content.decode()
