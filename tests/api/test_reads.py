from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from feeds.models import FeedToken
from memberships.models import Allowance
from memberships.services import grant_membership
from spaces.models import Space
from tests.api.conftest import client_with_token
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    MemberFactory,
    PlanFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_anyone_lists_the_venues_and_reads_one(anonymous, venue):
    data = anonymous.get("/api/v1/venues/").json()
    assert [row["slug"] for row in data["results"]] == [venue.slug]
    assert anonymous.get(f"/api/v1/venues/{venue.slug}/").json()["time_zone"] == "Europe/London"
    missing = anonymous.get("/api/v1/venues/nowhere/")
    assert missing.status_code == 404
    assert set(missing.json()) == {"code", "message", "fields"}


def test_spaces_filter_by_venue_kind_capacity_amenity_and_access(anonymous, venue):
    hall = SpaceFactory(
        venue=venue,
        name="Hall",
        kind=Space.Kind.HALL,
        capacity=80,
        step_free=True,
        amenities="Projector\nPiano",
    )
    small = SpaceFactory(venue=venue, name="Vestry", capacity=6)
    elsewhere = SpaceFactory(name="Studio", kind=Space.Kind.STUDIO)
    SpaceFactory(venue=venue, name="Retired", is_active=False)
    assert ids(anonymous.get("/api/v1/spaces/")) == [hall.pk, small.pk, elsewhere.pk]
    assert ids(anonymous.get("/api/v1/spaces/", {"venue": venue.slug})) == [hall.pk, small.pk]
    assert ids(anonymous.get("/api/v1/spaces/", {"kind": "studio"})) == [elsewhere.pk]
    assert ids(anonymous.get("/api/v1/spaces/", {"capacity": 10})) == [hall.pk, elsewhere.pk]
    assert ids(anonymous.get("/api/v1/spaces/", {"amenity": "piano"})) == [hall.pk]
    assert ids(anonymous.get("/api/v1/spaces/", {"step_free": "true"})) == [hall.pk]
    assert ids(anonymous.get("/api/v1/spaces/", {"ordering": "-capacity"}))[0] == hall.pk
    assert anonymous.get(f"/api/v1/spaces/{hall.pk}/").json()["amenities"] == ["Projector", "Piano"]


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "castle"},
        {"capacity": "-1"},
        {"free_from": "2027-01-05T10:00:00Z"},
        {"free_from": "2027-01-05T10:00", "free_to": "2027-01-05T11:00"},
        {"step_free": "perhaps"},
    ],
)
def test_a_bad_filter_is_a_400_with_the_field(anonymous, venue, query):
    response = anonymous.get("/api/v1/spaces/", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_spaces_free_between_two_times(frozen_now, anonymous, venue, room):
    other = SpaceFactory(venue=venue, name="Vestry")
    BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC))
    free = {"free_from": "2027-01-05T10:30:00+00:00", "free_to": "2027-01-05T11:30:00+00:00"}
    assert ids(anonymous.get("/api/v1/spaces/", free)) == [other.pk]
    later = {"free_from": "2027-01-05T11:00:00Z", "free_to": "2027-01-05T12:00:00Z"}
    assert set(ids(anonymous.get("/api/v1/spaces/", later))) == {room.pk, other.pk}
    closed = {"free_from": "2027-01-05T18:00:00Z", "free_to": "2027-01-05T19:00:00Z"}
    assert ids(anonymous.get("/api/v1/spaces/", closed)) == []


def test_a_spaces_availability_is_its_free_time_in_the_venues_zone(frozen_now, anonymous, room):
    BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC))
    ClosureFactory(venue=room.venue, starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC))
    data = anonymous.get(
        f"/api/v1/spaces/{room.pk}/availability/",
        {"start": "2027-01-05T00:00:00Z", "end": "2027-01-06T00:00:00Z"},
    ).json()
    assert data == {
        "space": room.pk,
        "free": [
            {"starts_at": "2027-01-05T09:00:00+00:00", "ends_at": "2027-01-05T10:00:00+00:00"},
            {"starts_at": "2027-01-05T11:00:00+00:00", "ends_at": "2027-01-05T15:00:00+00:00"},
        ],
    }


def test_availability_times_carry_the_summer_offset(anonymous, room):
    from time_machine import travel

    with travel(datetime(2026, 6, 1, tzinfo=UTC), tick=False):
        data = anonymous.get(
            f"/api/v1/spaces/{room.pk}/availability/",
            {"start": "2026-06-02T00:00:00+01:00", "end": "2026-06-03T00:00:00+01:00"},
        ).json()
    assert data["free"] == [
        {"starts_at": "2026-06-02T09:00:00+01:00", "ends_at": "2026-06-02T17:00:00+01:00"}
    ]


def test_a_venues_availability_lists_each_space(frozen_now, anonymous, venue, room):
    other = SpaceFactory(venue=venue, name="Vestry")
    data = anonymous.get(
        f"/api/v1/venues/{venue.slug}/availability/",
        {"start": "2027-01-05T00:00:00Z", "end": "2027-01-06T00:00:00Z"},
    ).json()
    assert [row["space"] for row in data] == [room.pk, other.pk]
    assert all(len(row["free"]) == 1 for row in data)


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2027-01-06T00:00:00Z", "end": "2027-01-05T00:00:00Z"},
        {"start": "2027-01-01T00:00:00Z", "end": "2027-03-01T00:00:00Z"},
        {"start": "0001-01-01T00:00:00Z"},
        {"end": "9999-12-31T23:59:59Z"},
    ],
)
def test_a_bad_window_is_a_400(anonymous, room, query):
    response = anonymous.get(f"/api/v1/spaces/{room.pk}/availability/", query)
    assert response.status_code == 400


def test_usage_figures_are_public_only_where_the_venue_publishes_them(
    frozen_now, anonymous, venue, manager, room
):
    url = f"/api/v1/venues/{venue.slug}/usage/"
    assert anonymous.get(url).status_code == 404
    figures = client_with_token(manager).get(url, {"start": "2027-01-01", "end": "2027-01-02"})
    assert figures.status_code == 200
    assert [row["date"] for row in figures.json()["days"]] == ["2027-01-01", "2027-01-02"]
    venue.publish_impact = True
    venue.save()
    assert anonymous.get(url).status_code == 200
    assert anonymous.get(url, {"start": "2027-13-01"}).status_code == 400


def test_usage_figures_are_those_of_the_open_data(frozen_now, anonymous, client, venue, room):
    venue.publish_impact = True
    venue.save()
    BookingFactory(space=room, starts_at=datetime(2027, 1, 1, 10, tzinfo=UTC))
    query = {"start": "2027-01-01", "end": "2027-01-03"}
    api = anonymous.get(f"/api/v1/venues/{venue.slug}/usage/", query).json()["days"]
    open_data = client.get(f"/venues/{venue.slug}/usage.json", query).json()["days"]
    assert [(d["date"], float(d["booked_hours"]), float(d["open_hours"])) for d in api] == [
        (d["date"], float(d["booked_hours"]), float(d["open_hours"])) for d in open_data
    ]


def test_memberships_list_and_what_is_left_of_an_allowance(frozen_now, member, venue, room):
    plan = PlanFactory(venue=venue, name="Hot desk 10 days")
    Allowance.objects.create(plan=plan, kind=Space.Kind.MEETING_ROOM, hours_per_month=Decimal(10))
    membership = grant_membership(plan=plan, member=member, starts_on=date(2027, 1, 1))
    BookingFactory(space=room, booker=member, membership=membership)
    client = client_with_token(member)
    assert ids(client.get("/api/v1/memberships/")) == [membership.pk]
    detail = client.get(f"/api/v1/memberships/{membership.pk}/").json()
    assert detail["plan"] == "Hot desk 10 days"
    assert detail["allowances"] == [
        {
            "kind": "meeting_room",
            "unit": "hours",
            "month": "2027-01-01",
            "total": 10.0,
            "used": 1.0,
            "left": 9.0,
            "renews_on": "2027-02-01",
            "personal": False,
        }
    ]
    assert (
        client_with_token(MemberFactory()).get(f"/api/v1/memberships/{membership.pk}/").status_code
        == 404
    )


def test_a_member_lists_their_feed_tokens_without_the_secret(member, other_member):
    mine = FeedToken.objects.create(owner=member, scope=FeedToken.Scope.MEMBER)
    FeedToken.objects.create(owner=other_member, scope=FeedToken.Scope.MEMBER)
    response = client_with_token(member).get("/api/v1/feed-tokens/")
    assert ids(response) == [mine.pk]
    assert mine.token not in response.content.decode()


def test_a_member_lists_and_reads_their_series_only(member, other_member, room):
    from tests.factories import SeriesFactory

    series = SeriesFactory(space=room, booker=member)
    SeriesFactory(space=room, booker=other_member)
    client = client_with_token(member)
    assert ids(client.get("/api/v1/series/")) == [series.pk]
    assert client.get(f"/api/v1/series/{series.pk}/").json()["frequency"] == series.frequency
    other = client_with_token(other_member)
    assert other.get(f"/api/v1/series/{series.pk}/").status_code == 404


def test_lists_are_paged(anonymous):
    for number in range(3):
        VenueFactory(name=f"Venue {number}")
    page = anonymous.get("/api/v1/venues/", {"per_page": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert anonymous.get("/api/v1/venues/", {"page": 9}).status_code == 404


def test_the_root_links_the_schema_and_docs(anonymous):
    data = anonymous.get("/api/v1/").json()
    assert data["schema"].endswith("/api/v1/schema/")
    schema = anonymous.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert anonymous.get("/api/v1/docs/").status_code == 200


def test_booking_in_the_past_week_is_refused_with_its_reason(frozen_now, room, member):
    response = client_with_token(member).post(
        "/api/v1/bookings/",
        {
            "space": room.pk,
            "title": "Late",
            "starts_at": (frozen_now - timedelta(days=1)).isoformat(),
            "ends_at": (frozen_now - timedelta(days=1, hours=-1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["message"]


def test_a_member_makes_a_feed_token_through_the_same_service_and_revokes_it(member, venue):
    client = client_with_token(member)
    made = client.post("/api/v1/feed-tokens/", {"scope": "member"}, format="json")
    assert made.status_code == 201
    token = FeedToken.objects.get()
    assert token.token in made.json()["url"]
    assert made.json()["live"] is True and made.json()["scope"] == "member"
    again = client.post("/api/v1/feed-tokens/", {"scope": "member"}, format="json")
    assert again.json()["id"] == token.pk  # one live token per feed, as on the page
    refused = client.post(
        "/api/v1/feed-tokens/", {"scope": "venue", "target": venue.pk}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "refused"
    revoked = client.post(f"/api/v1/feed-tokens/{token.pk}/revoke/", format="json")
    assert revoked.json()["live"] is False
    other = client_with_token(MemberFactory())
    assert other.post(f"/api/v1/feed-tokens/{token.pk}/revoke/").status_code == 404
