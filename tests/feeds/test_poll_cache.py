"""A token feed's poll (feeds.poll) answers 304 from validators kept under a print of the
database; these tests hold it to never answering 304 for content that changed, or for a token
that no longer opens its feed, with the kept validators warm in this process, only in the
shared cache (another app server's), or stale there."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from bookings.models import Booking
from bookings.services import cancel_booking, change_booking_details
from feeds import builders
from feeds.models import FeedToken
from feeds.services import regenerate_feed_token, revoke_feed_token
from members.models import OrganisationMembership
from tests.factories import (
    BookingFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
)

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
TUESDAY = datetime(2026, 6, 2, 10, tzinfo=UTC)
# Past the window's end (FEED_DAYS_AHEAD, 365 days from today).
BEYOND = datetime(2027, 9, 1, 10, tzinfo=UTC)

SCOPES = ["member", "organisation", "venue", "space"]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(db, clock, manager, room):
    """The manager books the room for their organisation (of which they are an admin), so one
    booking is in all four of the manager's feeds."""
    organisation = OrganisationFactory(name="Ladywood Food Share")
    OrganisationMembershipFactory(
        organisation=organisation, member=manager, role=OrganisationMembership.Role.ADMIN
    )
    booking = BookingFactory(
        space=room,
        booker=manager,
        organisation=organisation,
        starts_at=TUESDAY,
        title="Food bank rota",
    )
    outside = BookingFactory(
        space=room,
        booker=manager,
        organisation=organisation,
        starts_at=BEYOND,
        title="Far away",
    )
    targets = {"member": {}, "organisation": {"organisation": organisation}}
    targets |= {"venue": {"venue": room.venue}, "space": {"space": room}}
    tokens = {
        scope: FeedToken.objects.create(owner=manager, scope=scope, **targets[scope])
        for scope in SCOPES
    }
    return {"booking": booking, "outside": outside, "organisation": organisation, "tokens": tokens}


def _url(token: FeedToken) -> str:
    return reverse("feeds:token_feed", kwargs={"token": token.token})


def _body(response) -> bytes:
    return response.content.replace(b"\r\n ", b"")  # unfolded


def _current(client, url: str) -> str:
    """Fetch the feed, then poll it with its ETag on another app server, which keeps its
    validators there and in the shared cache (a 200 keeps them in its own process only)."""
    etag = client.get(url)["ETag"]
    builders.forget_feed_summaries()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    return etag


# --- Each change a feed's bytes show: what it does, and what the new body then holds -----------


def _create(scene, room, manager):
    BookingFactory(
        space=room,
        booker=manager,
        organisation=scene["organisation"],
        starts_at=TUESDAY + timedelta(days=1),
        title="Brand new",
    )
    return b"SUMMARY:Brand new", True


def _retitle(scene, room, manager):
    change_booking_details(booking=scene["booking"], by=manager, title="Renamed rota")
    return b"Renamed rota", True


def _cancel(scene, room, manager):
    cancel_booking(booking=scene["booking"], by=manager)
    return b"STATUS:CANCELLED", True


def _delete(scene, room, manager):
    scene["booking"].delete()
    return b"Food bank rota", False


def _move_out_of_window(scene, room, manager):
    booking = scene["booking"]
    booking.starts_at, booking.ends_at = (
        BEYOND + timedelta(days=2),
        BEYOND + timedelta(days=2, hours=1),
    )
    booking.blocked_until = booking.ends_at
    booking.save()
    return b"Food bank rota", False


def _move_into_window(scene, room, manager):
    outside = scene["outside"]
    outside.starts_at, outside.ends_at = (
        TUESDAY + timedelta(days=3),
        TUESDAY + timedelta(days=3, hours=1),
    )
    outside.blocked_until = outside.ends_at
    outside.save()
    return b"Far away", True


def _status_only(scene, room, manager):
    """A status written with .update() and its updated_at, as the bench and bulk jobs do."""
    Booking.objects.filter(pk=scene["booking"].pk).update(
        status=Booking.Status.DECLINED, updated_at=NOW + timedelta(minutes=1)
    )
    return b"STATUS:CANCELLED", True


def _rename_booker(scene, room, manager):
    manager.display_name = "Mo Manager-Smith"
    manager.save()
    return b"Mo Manager-Smith", True


def _rename_organisation(scene, room, manager):
    scene["organisation"].name = "Ladywood Food Share CIC"
    scene["organisation"].save()
    return b"Ladywood Food Share CIC", True


def _rename_space(scene, room, manager):
    room.name = "Garden studio"
    room.save()
    return b"Garden studio", True


def _rename_venue(scene, room, manager):
    room.venue.name = "St Luke's Hub"
    room.venue.save()
    return b"St Luke's Hub", True


def _readdress_venue(scene, room, manager):
    room.venue.address = "2 Canal Side, Birmingham"
    room.venue.postcode = "B1 2AA"
    room.venue.save()
    return b"B1 2AA", True


CHANGES = [
    _create,
    _retitle,
    _cancel,
    _delete,
    _move_out_of_window,
    _move_into_window,
    _status_only,
    _rename_organisation,
    _rename_space,
    _rename_venue,
    _readdress_venue,
]
# The member's own feed does not name its booker.
BOOKER_SHOWN = ["organisation", "venue", "space"]


def _cases():
    cases = [(scope, change) for scope in SCOPES for change in CHANGES]
    return cases + [(scope, _rename_booker) for scope in BOOKER_SHOWN]


@pytest.mark.parametrize(
    ("scope", "change"), _cases(), ids=lambda value: getattr(value, "__name__", value)
)
@pytest.mark.parametrize("kept", ["in this process", "only in the shared cache"])
def test_a_change_the_feed_shows_is_a_200_with_it_never_a_304(
    client, clock, scene, room, manager, scope, change, kept
):
    url = _url(scene["tokens"][scope])
    etag = _current(client, url)
    clock.shift(timedelta(minutes=1))
    shows, present = change(scene, room, manager)
    if kept == "only in the shared cache":  # as another app server would poll
        builders.forget_feed_summaries()
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert (shows in _body(after)) is present
    # And the new copy is current from then on.
    assert client.get(url, headers={"If-None-Match": after["ETag"]}).status_code == 304


@pytest.mark.parametrize("scope", SCOPES)
def test_the_window_moving_with_the_date_is_a_new_feed(client, clock, scene, room, scope):
    url = _url(scene["tokens"][scope])
    etag = _current(client, url)
    # The booking a day on ends inside the window only until the window moves past it.
    clock.move_to(TUESDAY + timedelta(days=32))
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after["ETag"] != etag
    assert b"Food bank rota" not in _body(after)


@pytest.mark.parametrize("scope", SCOPES)
def test_nothing_changed_is_a_304_in_one_query_here_and_two_on_another_server(
    client, clock, scene, scope, django_assert_num_queries
):
    url = _url(scene["tokens"][scope])
    etag = client.get(url)["ETag"]  # keeps the validators in this process only
    clock.shift(timedelta(hours=2))  # the token's last use is written once an hour
    client.get(url, headers={"If-None-Match": etag})
    with django_assert_num_queries(1):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    builders.forget_feed_summaries()
    # Another server: the poll, the shared cache (nothing), the aggregate, and keeping them for
    # every server (the database cache: a count, a savepoint pair, a read, an insert).
    with django_assert_num_queries(8):
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    builders.forget_feed_summaries()
    with django_assert_num_queries(2):  # a third: the poll, the shared cache's copy
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("scope", SCOPES)
def test_a_change_elsewhere_works_the_validators_out_again_and_still_answers_304(
    client, clock, scene, scope
):
    """The print is coarse (any space's updated_at): a rename in another venue misses the
    kept validators, which are worked out again, equal, so the client's copy stays current."""
    url = _url(scene["tokens"][scope])
    etag = _current(client, url)
    clock.shift(timedelta(minutes=1))
    elsewhere = SpaceFactory(name="Elsewhere")
    elsewhere.name = "Somewhere else"
    elsewhere.save()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_validators_that_saw_other_bookings_than_the_print_are_not_kept(
    client, clock, scene, room, manager, monkeypatch
):
    """A booking made between the poll and the validators, then deleted, brings the print
    back: validators kept under it would say the copy with that booking is current."""
    url = _url(scene["tokens"]["space"])
    _current(client, url)
    clock.shift(timedelta(minutes=1))
    room.name = "Garden studio"
    room.save()  # the print moves: the next poll works the validators out
    made = []
    real = builders.seen_validators

    def booking_made_meanwhile(feed, window):
        made.append(
            BookingFactory(
                space=room, booker=manager, starts_at=TUESDAY + timedelta(days=2), title="Fleeting"
            )
        )
        return real(feed, window)

    monkeypatch.setattr("feeds.views.seen_validators", booking_made_meanwhile)
    with_it = client.get(url)
    assert b"Fleeting" in _body(with_it)
    monkeypatch.setattr("feeds.views.seen_validators", real)
    made[0].delete()
    after = client.get(url, headers={"If-None-Match": with_it["ETag"]})
    assert after.status_code == 200 and b"Fleeting" not in _body(after)


def test_a_stale_copy_in_the_shared_cache_is_not_used(client, clock, scene, room):
    url = _url(scene["tokens"]["venue"])
    etag = _current(client, url)
    key = builders.summary_key(f"venue-{room.venue_id}", builders.feed_window(NOW))
    stale = caches["default"].get(key)
    clock.shift(timedelta(minutes=1))
    change_booking_details(
        booking=scene["booking"], by=scene["tokens"]["venue"].owner, title="New title"
    )
    new = client.get(url, headers={"If-None-Match": etag})
    assert new.status_code == 200
    # Another server still holding the old copy (put back): its print no longer matches.
    builders.forget_feed_summaries()
    caches["default"].set(key, stale)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and b"New title" in _body(again)


# --- The token itself -----------------------------------------------------------------------


@pytest.mark.parametrize("scope", SCOPES)
def test_a_revoked_token_is_404_even_with_the_current_etag(client, clock, scene, manager, scope):
    token = scene["tokens"][scope]
    etag = _current(client, _url(token))
    revoke_feed_token(token=token, by=manager)
    response = client.get(_url(token), headers={"If-None-Match": etag})
    assert response.status_code == 404 and not response.has_header("ETag")


def test_a_regenerated_token_leaves_the_old_address_404(client, clock, scene, manager):
    token = scene["tokens"]["member"]
    etag = _current(client, _url(token))
    new = regenerate_feed_token(token=token, by=manager)
    assert client.get(_url(token), headers={"If-None-Match": etag}).status_code == 404
    assert client.get(_url(new), headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("scope", SCOPES)
def test_an_owner_made_inactive_loses_every_feed_at_once(client, clock, scene, manager, scope):
    token = scene["tokens"][scope]
    etag = _current(client, _url(token))
    manager.is_active = False
    manager.save()
    assert client.get(_url(token), headers={"If-None-Match": etag}).status_code == 404


@pytest.mark.parametrize("scope", ["venue", "space"])
def test_a_manager_who_stops_managing_loses_the_feed_at_once(
    client, clock, scene, room, manager, scope
):
    token = scene["tokens"][scope]
    etag = _current(client, _url(token))
    room.venue.managers.remove(manager)
    assert client.get(_url(token), headers={"If-None-Match": etag}).status_code == 404


def test_an_admin_made_a_plain_member_loses_the_organisation_feed_at_once(
    client, clock, scene, manager
):
    token = scene["tokens"]["organisation"]
    etag = _current(client, _url(token))
    OrganisationMembership.objects.filter(member=manager).update(
        role=OrganisationMembership.Role.MEMBER
    )
    assert client.get(_url(token), headers={"If-None-Match": etag}).status_code == 404


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("feeds:token_feed", kwargs={"token": "x" * 43})).status_code == 404
