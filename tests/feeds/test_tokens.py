import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feeds.models import FeedToken
from feeds.services import FeedError, create_feed_token
from members.models import OrganisationMembership
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
    VenueFactory,
)
from tests.feeds.conftest import ical_js, icalendar_events, js_instants, uid_of

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def feed_url(token: FeedToken) -> str:
    return reverse("feeds:token_feed", kwargs={"token": token.token})


@pytest.fixture
def organisation(member, other_member):
    """`member` is an admin of the food bank, `other_member` a plain member of it."""
    organisation = OrganisationFactory(name="Ladywood Food Bank")
    OrganisationMembershipFactory(
        organisation=organisation, member=member, role=OrganisationMembership.Role.ADMIN
    )
    OrganisationMembershipFactory(organisation=organisation, member=other_member)
    return organisation


def test_tokens_are_long_unguessable_and_unique(db):
    tokens = {
        FeedToken.objects.create(owner=MemberFactory(), scope=FeedToken.Scope.MEMBER).token
        for _ in range(20)
    }
    assert len(tokens) == 20
    assert all(len(token) == 43 for token in tokens)  # 32 random bytes


def test_an_unknown_token_is_a_404(client, db):
    assert client.get("/feeds/not-a-real-token.ics").status_code == 404


@pytest.mark.parametrize("token", ["%00", "abc%00def", "%C3%A9t%C3%A9", "a.b", "a" * 65])
def test_a_token_outside_the_token_alphabet_is_a_404_without_a_query(
    client, db, token, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 404
    assert "No such calendar feed." in response.content.decode()


def test_a_revoked_token_is_a_404_at_once(client, member_token, member, room):
    BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))
    assert client.get(feed_url(member_token)).status_code == 200
    member_token.revoked_at = timezone.now()
    member_token.save()
    assert client.get(feed_url(member_token)).status_code == 404


def test_a_deactivated_members_feeds_are_404(client, member_token, member):
    member.is_active = False
    member.save()
    assert client.get(feed_url(member_token)).status_code == 404


def test_organisation_feed_shows_its_admin_the_organisations_bookings_by_any_member(
    client, organisation, member, other_member, third_member, room
):
    token = create_feed_token(
        owner=member, scope=FeedToken.Scope.ORGANISATION, target_id=organisation.pk
    )
    mine = BookingFactory(
        space=room, booker=member, organisation=organisation, starts_at=NOW + timedelta(days=1)
    )
    theirs = BookingFactory(
        space=room,
        booker=other_member,
        organisation=organisation,
        starts_at=NOW + timedelta(days=2),
    )
    BookingFactory(
        space=room, booker=member, starts_at=NOW + timedelta(days=3)
    )  # not for the organisation
    body = client.get(feed_url(token)).content
    assert set(js_instants(ical_js(body))) == {uid_of(mine), uid_of(theirs)}
    assert "Otto Other" in str(icalendar_events(body)[uid_of(theirs)]["DESCRIPTION"])


def test_a_member_who_leaves_the_organisation_loses_its_feed(client, organisation, member):
    token = create_feed_token(
        owner=member, scope=FeedToken.Scope.ORGANISATION, target_id=organisation.pk
    )
    assert client.get(feed_url(token)).status_code == 200
    OrganisationMembership.objects.filter(organisation=organisation, member=member).delete()
    assert client.get(feed_url(token)).status_code == 404


def test_a_plain_member_is_neither_offered_nor_given_the_organisation_feed(
    client, organisation, other_member
):
    client.force_login(other_member)
    page = client.get(reverse("feeds:mine")).content.decode()
    assert f'value="organisation:{organisation.pk}"' not in page
    with pytest.raises(FeedError):
        create_feed_token(
            owner=other_member, scope=FeedToken.Scope.ORGANISATION, target_id=organisation.pk
        )
    response = client.post(reverse("feeds:create"), {"feed": f"organisation:{organisation.pk}"})
    assert response.status_code == 302
    assert not FeedToken.objects.exists()


def test_a_plain_members_existing_organisation_token_is_a_404(
    client, organisation, other_member, room
):
    # Made before only admins could have one.
    token = FeedToken.objects.create(
        owner=other_member, scope=FeedToken.Scope.ORGANISATION, organisation=organisation
    )
    BookingFactory(space=room, organisation=organisation, starts_at=NOW + timedelta(days=1))
    assert client.get(feed_url(token)).status_code == 404


def test_an_admin_made_a_plain_member_loses_the_feed_at_once(client, organisation, member):
    token = create_feed_token(
        owner=member, scope=FeedToken.Scope.ORGANISATION, target_id=organisation.pk
    )
    assert client.get(feed_url(token)).status_code == 200
    OrganisationMembership.objects.filter(organisation=organisation, member=member).update(
        role=OrganisationMembership.Role.MEMBER
    )
    assert client.get(feed_url(token)).status_code == 404


def test_nobody_makes_a_token_for_an_organisation_they_do_not_belong_to(third_member, organisation):
    with pytest.raises(FeedError):
        create_feed_token(
            owner=third_member, scope=FeedToken.Scope.ORGANISATION, target_id=organisation.pk
        )
    assert not FeedToken.objects.exists()


def test_only_managers_make_venue_and_space_feeds(member, manager, venue, room):
    with pytest.raises(FeedError):
        create_feed_token(owner=member, scope=FeedToken.Scope.VENUE, target_id=venue.pk)
    with pytest.raises(FeedError):
        create_feed_token(owner=member, scope=FeedToken.Scope.SPACE, target_id=room.pk)
    with pytest.raises(FeedError):
        create_feed_token(owner=manager, scope=FeedToken.Scope.VENUE, target_id=VenueFactory().pk)
    with pytest.raises(FeedError):
        create_feed_token(owner=manager, scope=FeedToken.Scope.VENUE, target_id=999999)
    assert (
        create_feed_token(owner=manager, scope=FeedToken.Scope.VENUE, target_id=venue.pk).venue
        == venue
    )
    assert (
        create_feed_token(owner=manager, scope=FeedToken.Scope.SPACE, target_id=room.pk).space
        == room
    )


def test_venue_feed_shows_every_space_of_the_venue_with_who_booked(
    client, manager, member, venue, room
):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall")
    elsewhere = BookingFactory(
        space=SpaceFactory(), booker=member, starts_at=NOW + timedelta(days=1)
    )
    in_room = BookingFactory(
        space=room, booker=member, starts_at=NOW + timedelta(days=1), title="Yoga"
    )
    in_hall = BookingFactory(space=hall, booker=member, starts_at=NOW + timedelta(days=2))
    token = create_feed_token(owner=manager, scope=FeedToken.Scope.VENUE, target_id=venue.pk)
    events = icalendar_events(client.get(feed_url(token)).content)
    assert set(events) == {uid_of(in_room), uid_of(in_hall)}
    assert uid_of(elsewhere) not in events
    assert str(events[uid_of(in_room)]["SUMMARY"]) == "Yoga (Fay Freelancer)"


def test_space_feed_shows_only_that_space(client, manager, member, venue, room):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall")
    in_room = BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))
    BookingFactory(space=hall, booker=member, starts_at=NOW + timedelta(days=2))
    token = create_feed_token(owner=manager, scope=FeedToken.Scope.SPACE, target_id=room.pk)
    assert set(js_instants(ical_js(client.get(feed_url(token)).content))) == {uid_of(in_room)}


def test_a_manager_removed_from_the_venue_loses_its_feeds(client, manager, venue, room):
    venue_token = create_feed_token(owner=manager, scope=FeedToken.Scope.VENUE, target_id=venue.pk)
    space_token = create_feed_token(owner=manager, scope=FeedToken.Scope.SPACE, target_id=room.pk)
    assert client.get(feed_url(venue_token)).status_code == 200
    venue.managers.remove(manager)
    assert client.get(feed_url(venue_token)).status_code == 404
    assert client.get(feed_url(space_token)).status_code == 404


def test_a_member_feed_never_shows_other_members_bookings(client, member, other_member, room):
    token = create_feed_token(owner=other_member, scope=FeedToken.Scope.MEMBER)
    BookingFactory(
        space=room, booker=member, starts_at=NOW + timedelta(days=1), title="Private matter"
    )
    body = client.get(feed_url(token)).content
    assert b"BEGIN:VEVENT" not in body and b"Private matter" not in body


def test_asking_twice_for_the_same_feed_gives_the_same_token(member):
    first = create_feed_token(owner=member, scope=FeedToken.Scope.MEMBER)
    assert create_feed_token(owner=member, scope="member") == first
    with pytest.raises(FeedError):
        create_feed_token(owner=member, scope="everything")


def test_last_used_is_noted_at_most_hourly(client, member_token):
    client.get(feed_url(member_token))
    member_token.refresh_from_db()
    assert member_token.last_used_at == NOW


def test_bad_tokens_do_not_reach_the_logs(client, member_token, caplog):
    member_token.revoked_at = timezone.now()
    member_token.save()
    with caplog.at_level(logging.DEBUG):
        assert client.get(feed_url(member_token)).status_code == 404
        assert client.get("/feeds/guessed-token-value.ics").status_code == 404
    assert member_token.token not in caplog.text
    assert "guessed-token-value" not in caplog.text


# --- The account page -------------------------------------------------------------------------


def test_feeds_page_needs_a_login(client, db):
    response = client.get(reverse("feeds:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_feeds_page_shows_the_members_addresses_and_offers_the_feeds_they_may_have(
    client, member, organisation, member_token
):
    client.force_login(member)
    response = client.get(reverse("feeds:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"http://127.0.0.1:8000/feeds/{member_token.token}.ics" in page
    assert f"webcal://127.0.0.1:8000/feeds/{member_token.token}.ics" in page
    assert f'value="organisation:{organisation.pk}"' in page
    assert 'value="venue:' not in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_member_makes_a_feed_from_the_page(client, member, organisation):
    client.force_login(member)
    response = client.post(reverse("feeds:create"), {"feed": f"organisation:{organisation.pk}"})
    assert response.status_code == 302
    assert FeedToken.objects.get().organisation == organisation


def test_making_a_feed_one_may_not_see_changes_nothing(client, member, venue):
    client.force_login(member)
    response = client.post(reverse("feeds:create"), {"feed": f"venue:{venue.pk}"}, follow=True)
    assert "You cannot subscribe to that feed." in response.content.decode()
    for junk in ("", "venue:abc", "nonsense:1", "member:1:2"):
        client.post(reverse("feeds:create"), {"feed": junk})
    assert not FeedToken.objects.exclude(scope="member").exists()


@pytest.mark.parametrize(
    "feed", ["venue:\u00b2", "venue:\u0663", "venue:" + "9" * 5000, "venue:99999999999999999999"]
)
def test_making_a_feed_with_a_malformed_id_says_so_and_changes_nothing(
    client, manager, venue, feed
):
    client.force_login(manager)
    response = client.post(reverse("feeds:create"), {"feed": feed}, follow=True)
    assert response.status_code == 200
    assert "Choose a feed from the list." in response.content.decode()
    assert not FeedToken.objects.exists()


def test_making_the_member_feed_returns_to_the_booking_page(client, member):
    client.force_login(member)
    response = client.post(reverse("feeds:create"), {"feed": "member:", "next": "/bookings/7/"})
    assert response["Location"] == "/bookings/7/"
    response = client.post(
        reverse("feeds:create"), {"feed": "member:", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("feeds:mine")
    assert FeedToken.objects.count() == 1


def test_regenerating_replaces_the_address_and_the_old_one_stops_working(
    client, member, member_token
):
    client.force_login(member)
    response = client.post(reverse("feeds:regenerate", kwargs={"pk": member_token.pk}))
    assert response.status_code == 302
    fresh = FeedToken.objects.live().get(owner=member)
    assert fresh.token != member_token.token and fresh.scope == member_token.scope
    assert client.get(feed_url(member_token)).status_code == 404
    assert client.get(feed_url(fresh)).status_code == 200


def test_revoking_from_the_page_stops_the_feed(client, member, member_token):
    client.force_login(member)
    client.post(reverse("feeds:revoke", kwargs={"pk": member_token.pk}))
    assert client.get(feed_url(member_token)).status_code == 404


def test_token_actions_are_post_only(client, member, member_token):
    client.force_login(member)
    for name in ("feeds:regenerate", "feeds:revoke"):
        assert client.get(reverse(name, kwargs={"pk": member_token.pk})).status_code == 405
    assert client.get(reverse("feeds:create")).status_code == 405
    member_token.refresh_from_db()
    assert member_token.is_live


def test_someone_elses_token_cannot_be_revoked_or_regenerated(client, other_member, member_token):
    client.force_login(other_member)
    assert client.post(reverse("feeds:revoke", kwargs={"pk": member_token.pk})).status_code == 404
    assert (
        client.post(reverse("feeds:regenerate", kwargs={"pk": member_token.pk})).status_code == 404
    )
    member_token.refresh_from_db()
    assert member_token.is_live
    assert FeedToken.objects.count() == 1


def test_the_log_filter_blanks_tokens_out_of_request_lines(member_token):
    from feeds.logging import RedactFeedTokens

    record = logging.LogRecord(
        "django.server",
        logging.WARNING,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /feeds/{member_token.token}.ics HTTP/1.1", 404, 9),
        None,
    )
    assert RedactFeedTokens().filter(record)
    assert member_token.token not in record.getMessage()
    assert record.getMessage() == '"GET /feeds/[token].ics HTTP/1.1" 404 9'
    busy = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, "GET /feeds/busy/st-lukes/hall.ics", (), None
    )
    RedactFeedTokens().filter(busy)
    assert busy.getMessage() == "GET /feeds/busy/st-lukes/hall.ics"


def test_staff_can_revoke_tokens_in_the_admin_without_seeing_them(client, member_token):
    from tests.factories import MemberFactory

    staff = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    listing = client.get(reverse("admin:feeds_feedtoken_changelist"))
    assert listing.status_code == 200 and member_token.token not in listing.content.decode()
    detail = client.get(reverse("admin:feeds_feedtoken_change", args=[member_token.pk]))
    assert member_token.token not in detail.content.decode()
    client.post(
        reverse("admin:feeds_feedtoken_changelist"),
        {"action": "revoke", "_selected_action": [member_token.pk]},
    )
    member_token.refresh_from_db()
    assert not member_token.is_live


@pytest.mark.parametrize("scope", ["member", "organisation", "venue", "space"])
def test_a_poll_with_a_current_copy_costs_one_query_whatever_the_feed(
    client, manager, venue, room, organisation, scope, django_assert_num_queries
):
    OrganisationMembershipFactory(
        organisation=organisation, member=manager, role=OrganisationMembership.Role.ADMIN
    )
    BookingFactory(
        space=room, booker=manager, organisation=organisation, starts_at=NOW + timedelta(days=1)
    )
    target = {"member": None, "organisation": organisation.pk, "venue": venue.pk, "space": room.pk}
    token = create_feed_token(owner=manager, scope=scope, target_id=target[scope])
    etag = client.get(feed_url(token))["ETag"]  # notes the token used: not again this hour
    with django_assert_num_queries(1):  # feeds.poll: the token, its owner's right, the print
        response = client.get(feed_url(token), headers={"If-None-Match": etag})
    assert response.status_code == 304
