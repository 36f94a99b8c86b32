"""The managers' requests page (issue 13): the requester's organisation and history, clashes,
filters, deciding several at once, and its query count."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    SeriesFactory,
    SpaceFactory,
    VenueFactory,
)
from tests.web.conftest import utc

URL = "/manage/requests/"
DECIDE = "/manage/requests/decide/"


def pending(space, **kwargs):
    return BookingFactory(space=space, status=Booking.Status.PENDING, **kwargs)


def shown(response) -> list[Booking]:
    return [row.record for row in response.context["pending"].rows]


def statuses(*bookings) -> list[str]:
    return [Booking.objects.get(pk=booking.pk).status for booking in bookings]


@pytest.fixture
def lab(db):
    return VenueFactory(name="Neighbourhood Lab", slug="lab")


@pytest.fixture
def lab_room(lab):
    return SpaceFactory(venue=lab, name="Workshop", slug="workshop", requires_approval=True)


def test_only_managers_of_the_venue_see_its_requests_and_two_venues_show_both(
    frozen_now, client, manager, approval_room, lab_room, lab
):
    ours = pending(approval_room, title="Choir practice")
    theirs = pending(lab_room, title="Repair cafe")
    client.force_login(manager)
    response = client.get(URL)
    assert shown(response) == [ours]
    assert "Repair cafe" not in response.text

    lab.managers.add(manager)
    assert set(shown(client.get(URL))) == {ours, theirs}

    lab_only = MemberFactory()
    lab.managers.add(lab_only)
    client.force_login(lab_only)
    response = client.get(URL)
    assert shown(response) == [theirs]
    assert "Choir practice" not in response.text


def test_the_venue_and_space_filters(
    frozen_now, client, manager, venue, approval_room, room, lab, lab_room
):
    lab.managers.add(manager)
    room.requires_approval = True
    room.save()
    hall = pending(approval_room, title="In the hall")
    small = pending(room, title="In the small room")
    workshop = pending(lab_room, title="In the workshop")
    client.force_login(manager)
    assert set(shown(client.get(URL, {"venue": "lab"}))) == {workshop}
    assert set(shown(client.get(URL, {"venue": venue.slug}))) == {hall, small}
    assert shown(client.get(URL, {"space": room.pk})) == [small]
    # A space of another venue than the one chosen, or one not theirs: said, and every request.
    stranger = SpaceFactory(venue=VenueFactory(slug="elsewhere"))
    for query in ({"venue": "lab", "space": room.pk}, {"space": stranger.pk}, {"venue": "nope"}):
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "The filter was not understood" in response.text
        assert set(shown(response)) == {hall, small, workshop}


def test_the_organisation_with_its_kind_and_org_id(manager_client, approval_room):
    charity = OrganisationFactory(
        name="Ladywood Food Bank", kind="charity", org_id="GB-CHC-1234567"
    )
    pending(approval_room, organisation=charity, title="Food bank")
    text = manager_client.get(URL).text
    for expected in ("Ladywood Food Bank", "Charity", "GB-CHC-1234567"):
        assert expected in text


def test_history_counts_the_last_twelve_months_at_this_venue(
    manager_client, manager, member, other_member, approval_room, room, lab_room
):
    now = utc(2027, 1, 4, 8)  # NOW
    request_ = pending(approval_room, booker=member, title="Asking now")

    def past(days, **kwargs):
        start = now - timedelta(days=days)
        return BookingFactory(
            booker=member, starts_at=start, ends_at=start + timedelta(hours=1), **kwargs
        )

    past(10, space=room)  # confirmed
    past(100, space=approval_room)  # confirmed
    past(364, space=room)  # confirmed, just inside
    past(366, space=room)  # a year and a day ago: not counted
    past(20, space=room, status="cancelled", cancelled_by=member)  # by them
    past(21, space=room, status="cancelled", cancelled_by=manager)  # by the venue: not theirs
    past(30, space=room, status="declined", decided_by=manager)
    past(31, space=room, status="declined")  # expired undecided
    past(40, space=lab_room)  # another venue: not counted
    BookingFactory(space=room, booker=other_member, starts_at=now - timedelta(days=5))
    BookingFactory(space=room, booker=member, starts_at=now + timedelta(days=9))  # still to come

    response = manager_client.get(URL)
    (row,) = shown(response)
    assert row == request_
    assert (row.history.confirmed, row.history.cancelled, row.history.declined) == (3, 1, 2)
    assert row.history.no_shows is None
    text = response.text
    for words in ("3 confirmed", "1 cancelled by them", "2 declined"):
        assert words in text
    assert "no-show" not in text


def test_a_clash_is_shown_and_approving_either_is_refused_while_the_other_waits(
    manager_client, approval_room, member, other_member
):
    # Written directly: the services never let two requests hold one room at once, and on
    # PostgreSQL the database refuses the pair too, so there no clash can arise.
    first = pending(approval_room, booker=member, title="Choir", starts_at=utc(2027, 1, 5, 10))
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            pending(approval_room, booker=other_member, starts_at=utc(2027, 1, 5, 10, 30))
        return
    second = pending(
        approval_room,
        booker=other_member,
        title="Yoga",
        starts_at=utc(2027, 1, 5, 10, 30),
    )
    free = pending(approval_room, title="Later talk", starts_at=utc(2027, 1, 5, 14))
    response = manager_client.get(URL)
    rows = {row.title: row for row in shown(response)}
    assert rows["Choir"].clashes == [second]
    assert rows["Yoga"].clashes == [first]
    assert rows["Later talk"].clashes == []
    assert "Neither can be approved until one is declined." in response.text

    response = manager_client.post(
        DECIDE, {"selected": [first.pk, second.pk, free.pk], "decision": "approve"}, follow=True
    )
    assert statuses(first, second, free) == ["pending", "pending", "confirmed"]
    text = response.text
    assert "Approved: Later talk" in text
    assert "Not decided: Choir" in text
    assert "Not decided: Yoga" in text
    assert "can no longer be approved" in text

    # Declining one lets the other through.
    manager_client.post(DECIDE, {"selected": [second.pk], "decision": "decline", "reason": "Sorry"})
    manager_client.post(DECIDE, {"selected": [first.pk], "decision": "approve"})
    assert statuses(first, second) == ["confirmed", "declined"]


def test_declining_several_tells_each_booker_why(
    manager_client,
    manager,
    approval_room,
    member,
    other_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    one = pending(approval_room, booker=member, title="One", starts_at=utc(2027, 1, 5, 10))
    two = pending(approval_room, booker=other_member, title="Two", starts_at=utc(2027, 1, 6, 10))
    kept = pending(approval_room, title="Not ticked", starts_at=utc(2027, 1, 7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            DECIDE,
            {"selected": [one.pk, two.pk], "decision": "decline", "reason": "  The hall is shut  "},
            follow=True,
        )
    assert statuses(one, two, kept) == ["declined", "declined", "pending"]
    for booking in (one, two):
        booking.refresh_from_db()
        assert (booking.decided_by, booking.decision_reason) == (manager, "The hall is shut")
    assert {tuple(mail.to) for mail in mailoutbox} == {(member.email,), (other_member.email,)}
    assert all("The hall is shut" in mail.body for mail in mailoutbox)
    assert "Declined: One" in response.text and "Declined: Two" in response.text


def test_a_ticked_series_is_decided_whole(manager_client, approval_room, member):
    series = SeriesFactory(space=approval_room, booker=member, title="Weekly choir")
    dates = [
        pending(
            approval_room,
            booker=member,
            series=series,
            title="Weekly choir",
            starts_at=utc(2027, 1, 5, 10) + timedelta(weeks=week),
        )
        for week in range(3)
    ]
    single = pending(approval_room, title="One-off", starts_at=utc(2027, 1, 6, 10))
    response = manager_client.get(URL)
    assert shown(response) == [dates[0], single]  # the series once
    assert f'href="/manage/requests/series/{series.pk}/"' in response.text
    response = manager_client.post(
        DECIDE, {"selected": [dates[0].pk, single.pk], "decision": "approve"}, follow=True
    )
    assert statuses(*dates, single) == ["confirmed"] * 4
    assert "Approved the series Weekly choir for Fay Freelancer: 3 dates." in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "approve"}, "Choose at least one request."),
        ({"selected": ["abc"], "decision": "approve"}, "could not be read"),
        ({"decision": "decline", "reason": "  "}, "Say why the requests are declined"),
        ({"decision": "maybe"}, "Select a valid choice"),
    ],
)
def test_bad_input_says_why_and_changes_nothing(manager_client, approval_room, data, message):
    request_ = pending(approval_room, title="Waiting")
    if data.get("decision") == "decline":
        data["selected"] = [request_.pk]
    response = manager_client.post(DECIDE, data)
    assert response.status_code == 400
    assert message in response.text
    assert statuses(request_) == ["pending"]
    assert "Waiting" in response.text  # the page again, with the request still there


def test_a_forged_id_of_another_venues_request_decides_nothing(
    manager_client, approval_room, lab_room
):
    ours = pending(approval_room, title="Ours")
    theirs = pending(lab_room, title="Theirs")
    for decision in ("approve", "decline"):
        response = manager_client.post(
            DECIDE, {"selected": [ours.pk, theirs.pk], "decision": decision, "reason": "No"}
        )
        assert response.status_code == 400
        assert "not at a venue you manage" in response.text
        assert "Theirs" not in response.text
        # Ours stays ticked, for the manager to try again without the other.
        assert f'value="{ours.pk}" id="tick-{ours.pk}" form="bulk-decide" checked' in response.text
    assert statuses(ours, theirs) == ["pending", "pending"]


def test_the_page_reads_a_fixed_number_of_queries(
    frozen_now, client, manager, venue, approval_room, lab, lab_room
):
    lab.managers.add(manager)
    client.force_login(manager)

    def make(count: int) -> None:
        for n in range(count):
            space = approval_room if n % 2 else lab_room
            booker = MemberFactory()
            organisation = OrganisationFactory() if n % 3 else None
            start = utc(2027, 2, 1, 9) + timedelta(days=n)
            pending(space, booker=booker, organisation=organisation, starts_at=start)
            BookingFactory(space=space, booker=booker, starts_at=start - timedelta(days=60))
        series = SeriesFactory(space=approval_room)
        for week in range(2):
            pending(
                approval_room,
                booker=series.booker,
                series=series,
                starts_at=utc(2027, 6, 1, 10) + timedelta(weeks=week, days=count),
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured)

    make(3)
    few = queries()
    Booking.objects.all().delete()
    make(30)
    assert len(shown(client.get(URL))) == 31  # the series once
    assert queries() == few


def test_a_ticked_series_is_declined_whole_and_one_decided_meanwhile_is_reported(
    manager_client, approval_room, member
):
    series = SeriesFactory(space=approval_room, booker=member, title="Weekly choir")
    dates = [
        pending(
            approval_room,
            booker=member,
            series=series,
            title="Weekly choir",
            starts_at=utc(2027, 1, 5, 10) + timedelta(weeks=week),
        )
        for week in range(2)
    ]
    # Approved by another manager between the page and the click.
    done = BookingFactory(
        space=approval_room, title="Already approved", starts_at=utc(2027, 1, 6, 9)
    )
    response = manager_client.post(
        DECIDE,
        {"selected": [dates[0].pk, dates[1].pk, done.pk], "decision": "decline", "reason": "Full"},
        follow=True,
    )
    assert statuses(*dates, done) == ["declined", "declined", "confirmed"]
    text = response.text
    assert "Declined the series Weekly choir for Fay Freelancer: 2 dates." in text
    assert "Not decided: Already approved" in text and "already been decided" in text
