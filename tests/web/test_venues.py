import re

from tests.factories import BookingFactory, ClosureFactory, SpaceFactory, VenueFactory
from tests.web.conftest import utc


def names(response) -> list[str]:
    return [space.name for _venue, spaces in response.context["venues"] for space in spaces]


def test_the_venue_list_shows_every_venue_with_its_spaces(client, room, pool):
    VenueFactory(name="Neighbourhood Lab", slug="neighbourhood-lab")
    response = client.get("/venues/")
    assert response.status_code == 200
    assert "St Luke&#x27;s" in response.text and "Neighbourhood Lab" in response.text
    assert sorted(names(response)) == ["Hot desks", "Meeting room"]


def test_the_home_page_redirects_to_the_venues(client, db):
    assert client.get("/").url == "/venues/"


def test_filters_keep_only_spaces_with_the_features_asked_for(client, venue):
    SpaceFactory(
        venue=venue, name="Quiet room", slug="quiet-room", quiet=True, step_free=True, capacity=4
    )
    SpaceFactory(
        venue=venue,
        name="Big hall",
        slug="big-hall",
        kind="hall",
        step_free=True,
        hearing_loop=True,
        capacity=80,
    )
    SpaceFactory(venue=venue, name="Attic", slug="attic", capacity=10)
    assert sorted(names(client.get("/venues/?step_free=on"))) == ["Big hall", "Quiet room"]
    assert names(client.get("/venues/?step_free=on&hearing_loop=on")) == ["Big hall"]
    assert names(client.get("/venues/?kind=hall")) == ["Big hall"]
    assert sorted(names(client.get("/venues/?people=10"))) == ["Attic", "Big hall"]


def test_the_free_then_filter_drops_spaces_booked_or_closed_at_that_time(frozen_now, client, venue):
    booked = SpaceFactory(venue=venue, name="Booked room", slug="booked-room")
    SpaceFactory(venue=venue, name="Free room", slug="free-room")
    BookingFactory(space=booked, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 11))
    response = client.get("/venues/?date=2027-01-05&from_time=10:30&to_time=11:30")
    assert names(response) == ["Free room"]
    ClosureFactory(venue=venue, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 12))
    response = client.get("/venues/?date=2027-01-05&from_time=10:30&to_time=11:30")
    assert names(response) == []
    assert "No space matches" in response.text


def test_bad_filter_input_re_renders_with_a_message_not_an_error(client, room):
    for query in [
        "people=lots",
        "people=0",
        "date=2027-02-30&from_time=10:00&to_time=11:00",
        "date=0001-01-01&from_time=00:00&to_time=01:00",
        "kind=castle",
        "date=2027-01-05",
        "date=2027-01-05&from_time=11:00&to_time=10:00",
        "from_time=25:99&to_time=x",
    ]:
        response = client.get(f"/venues/?{query}")
        assert response.status_code == 200, query
        assert response.context["form"].errors, query
        assert "errorlist" in response.text


def test_the_venue_page_shows_hours_closures_and_spaces(frozen_now, client, venue, room):
    ClosureFactory(venue=venue, reason="Boiler repair", starts_at=utc(2027, 1, 6, 12))
    response = client.get("/venues/st-lukes/")
    assert response.status_code == 200
    text = response.text
    assert "Opening hours" in text and "09:00–17:00" in text
    assert "Boiler repair" in text and "Wed 6 Jan 2027 12:00" in text
    assert "Meeting room" in text and "for up to 6 people" in text


def test_the_venue_page_offers_manager_links_only_to_its_managers(client, venue, manager, member):
    client.force_login(member)
    assert "stats/_venue_links.html" not in [
        t.name for t in client.get("/venues/st-lukes/").templates
    ]
    client.force_login(manager)
    assert "stats/_venue_links.html" in [t.name for t in client.get("/venues/st-lukes/").templates]


def test_the_opening_hours_name_each_row_by_its_weekday(frozen_now, client, venue):
    text = client.get("/venues/st-lukes/").text
    assert re.search(r'<th scope="row" data-label="Day"\s*>Monday</th>', text)
    assert not re.search(r"<td[^>]*scope=", text)  # scope is only valid on <th>
    assert 'role="region" aria-labelledby="hours-heading"' in text
    assert '<h2 id="hours-heading">Opening hours</h2>' in text


def test_the_managers_links_come_after_the_address_and_the_spaces(client, venue, room, manager):
    venue.address = "1 Church Lane"
    venue.save()
    client.force_login(manager)
    text = client.get("/venues/st-lukes/").text
    links = text.index("Occupancy and impact")
    assert text.index("1 Church Lane") < links
    assert text.index('href="/venues/st-lukes/meeting-room/"') < links


def test_the_filters_are_folded_until_one_is_set(client, room):
    folded = client.get("/venues/").text
    assert '<details class="card filter-card">' in folded
    assert '<summary id="filter-heading">Filter spaces</summary>' in folded
    assert 'aria-labelledby="filter-heading"' in folded
    assert '<details class="card filter-card" open>' in client.get("/venues/?step_free=on").text
    # A mistake in a filter is shown, not folded away.
    assert '<details class="card filter-card" open>' in client.get("/venues/?people=lots").text


def test_an_unknown_venue_is_a_404(client, db):
    assert client.get("/venues/nowhere/").status_code == 404


def test_the_free_then_filter_costs_the_same_queries_for_three_spaces_or_fifteen(
    frozen_now, client, venue
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/venues/?date=2027-01-05&from_time=10:30&to_time=11:30"

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response.context["count"]

    for n in range(3):
        space = SpaceFactory(venue=venue, name=f"Room {n}", slug=f"room-{n}")
        BookingFactory(space=space, starts_at=utc(2027, 1, 5, 11), ends_at=utc(2027, 1, 5, 12))
    few, listed = count()
    assert listed == 0  # all three are booked from 11:00
    for n in range(3, 15):
        SpaceFactory(venue=venue, name=f"Room {n}", slug=f"room-{n}")
    many, listed = count()
    assert listed == 12
    assert many == few


def test_the_free_then_filter_carries_the_wanted_time_to_each_space(frozen_now, client, room):
    response = client.get("/venues/?date=2027-01-12&from_time=14:00&to_time=16:00")
    wanted = "?start=2027-01-12T14%3A00&amp;end=2027-01-12T16%3A00"
    assert f'href="/venues/st-lukes/meeting-room/{wanted}"' in response.text
    # Without a time asked for, the links are plain.
    plain = client.get("/venues/?step_free=on").text + client.get("/venues/").text
    assert "start=" not in plain
