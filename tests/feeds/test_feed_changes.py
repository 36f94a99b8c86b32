"""A feed's answer follows its content: every change a feed shows gives a new ETag and a body
with the change (no event kept from before it), and while nothing changes the ETag and the
bytes stay the same."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.closures import add_closure
from bookings.services import cancel_booking, change_booking_details, move_booking
from feeds.models import FeedToken
from tests.factories import BookingFactory, OrganisationFactory

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
TUESDAY = datetime(2026, 6, 2, 10, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(db, clock, manager, member, room):
    organisation = OrganisationFactory(name="Ladywood Food Share")
    ours = BookingFactory(space=room, booker=member, starts_at=TUESDAY, title="Team meeting")
    BookingFactory(
        space=room,
        booker=member,
        organisation=organisation,
        starts_at=TUESDAY + timedelta(hours=3),
        title="Food bank rota",
    )
    tokens = {
        "venue": FeedToken.objects.create(
            owner=manager, scope=FeedToken.Scope.VENUE, venue=room.venue
        ),
        "member": FeedToken.objects.create(owner=member, scope=FeedToken.Scope.MEMBER),
    }
    return {"booking": ours, "organisation": organisation, "tokens": tokens}


def _url(token: FeedToken) -> str:
    return reverse("feeds:token_feed", kwargs={"token": token.token})


def _create(scene, room, manager, member):
    BookingFactory(space=room, booker=member, starts_at=TUESDAY + timedelta(days=1), title="New")
    return b"SUMMARY:New"


def _move(scene, room, manager, member):
    move_booking(
        booking=scene["booking"],
        by=manager,
        starts_at=TUESDAY + timedelta(hours=1),
        ends_at=TUESDAY + timedelta(hours=2),
    )
    return b"DTSTART:20260602T110000Z"


def _cancel(scene, room, manager, member):
    cancel_booking(booking=scene["booking"], by=member)
    return b"Cancelled."


def _retitle(scene, room, manager, member):
    change_booking_details(booking=scene["booking"], by=member, title="Renamed meeting")
    return b"Renamed meeting"


def _rename_venue(scene, room, manager, member):
    room.venue.name = "St Luke's Hub"
    room.venue.save()
    return b"St Luke's Hub"


def _rename_space(scene, room, manager, member):
    room.name = "Garden studio"
    room.save()
    return b"Garden studio"


def _close(scene, room, manager, member):
    add_closure(
        venue=room.venue,
        by=manager,
        starts_at=TUESDAY,
        ends_at=TUESDAY + timedelta(hours=1),
        reason="Boiler repair",
        cancel_hit=True,
    )
    return b"Cancelled."


def _rename_organisation(scene, room, manager, member):
    scene["organisation"].name = "Ladywood Food Share CIC"
    scene["organisation"].save()
    return b"Ladywood Food Share CIC"


def _rename_booker(scene, room, manager, member):
    member.display_name = "Fay Fairweather"
    member.save()
    return b"Booked by: Fay Fairweather"


CHANGES = {
    "venue": [
        _create,
        _move,
        _cancel,
        _retitle,
        _rename_venue,
        _rename_space,
        _close,
        _rename_organisation,
        _rename_booker,
    ],
    "member": [
        _create,
        _move,
        _cancel,
        _retitle,
        _rename_venue,
        _rename_space,
        _close,
        _rename_organisation,
    ],
}


@pytest.mark.parametrize(
    ("feed", "change"),
    [(feed, change) for feed, changes in CHANGES.items() for change in changes],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_every_change_a_feed_shows_gives_a_new_etag_and_a_body_with_it(
    client, clock, scene, room, manager, member, feed, change
):
    url = _url(scene["tokens"][feed])
    before = client.get(url)
    assert client.get(url, headers={"If-None-Match": before["ETag"]}).status_code == 304
    clock.shift(timedelta(minutes=1))
    shows = change(scene, room, manager, member)
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert shows in after.content.replace(b"\r\n ", b"")
    assert client.get(url, headers={"If-None-Match": after["ETag"]}).status_code == 304


@pytest.mark.parametrize("feed", ["venue", "member"])
def test_while_nothing_changes_a_feed_keeps_its_etag_and_its_bytes(client, clock, scene, feed):
    url = _url(scene["tokens"][feed])
    first = client.get(url)
    clock.shift(timedelta(hours=1))
    again = client.get(url)
    assert (again["ETag"], again.content) == (first["ETag"], first.content)
