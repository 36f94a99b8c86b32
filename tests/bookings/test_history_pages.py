"""The audit trail on the pages: a booking's History section (everything for its venue's
managers; the status changes, without anyone else's name, for its booker) and a venue's History
page, filtered by kind and local dates, paged.

NOW is Monday 4 January 2027, 08:00 (London on GMT); the booking is on Tuesday the 5th.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from bookings.closures import add_closure
from bookings.services import approve_booking, change_booking_details, request_booking
from members.audit import AuditEntry
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Main hall", slug="hall", requires_approval=True)


@pytest.fixture
def approved(hall, member, manager):
    booking = request_booking(
        booker=member, space=hall, starts_at=at(10), ends_at=at(12), title="Choir", now=NOW
    )
    approve_booking(booking=booking, by=manager, reason="Welcome", now=NOW)
    with time_machine.travel(NOW, tick=False):
        change_booking_details(booking=booking, by=manager, title="Choir practice", attendees=2)
    return booking


def _history_section(response) -> str:
    html = response.content.decode()
    start = html.index('id="history-heading"')
    return html[start : html.index("</section>", start)]


def test_a_manager_sees_the_whole_history_of_a_booking(client, approved, manager, frozen_now):
    client.force_login(manager)
    section = _history_section(client.get(reverse("bookings:detail", args=[approved.pk])))
    assert section.count("<tr") == 4  # the header and three changes
    assert "Requested: Main hall, Tue 5 Jan 2027 10:00–12:00" in section
    assert "Fay Freelancer" in section and "Mo Manager" in section
    assert "Status: Awaiting approval → Confirmed" in section
    assert "Title: Choir → Choir practice" in section
    assert "Price: £0.00" in section


def test_the_booker_sees_the_status_changes_without_other_names(
    client, approved, member, frozen_now
):
    client.force_login(member)
    section = _history_section(client.get(reverse("bookings:detail", args=[approved.pk])))
    assert section.count("<tr") == 3  # booked and approved; the manager's renaming is theirs
    assert "You" in section and "The venue" in section
    assert "Mo Manager" not in section and "Welcome" not in section


def test_an_expired_request_is_shown_to_its_booker_as_done_by_commonshare(
    client, hall, member, frozen_now
):
    from bookings.expiry import expire_requests

    booking = request_booking(
        booker=member, space=hall, starts_at=at(10), ends_at=at(12), title="Choir", now=NOW
    )
    expire_requests(now=at(9))
    client.force_login(member)
    section = _history_section(client.get(reverse("bookings:detail", args=[booking.pk])))
    assert "Request expired" in section and "Commonshare, automatically" in section


def test_another_members_booking_history_is_a_404(client, approved, other_member):
    client.force_login(other_member)
    assert client.get(reverse("bookings:detail", args=[approved.pk])).status_code == 404


def test_the_venue_history_lists_this_venues_changes_newest_first(
    client, approved, venue, manager, frozen_now
):
    elsewhere = VenueFactory(name="The Lab")
    elsewhere.managers.add(manager)
    add_closure(
        venue=elsewhere, by=manager, starts_at=at(9), ends_at=at(17), reason="Flood",
        cancel_hit=False, now=NOW,
    )  # fmt: skip
    client.force_login(manager)
    response = client.get(reverse("bookings:venue_history", args=[venue.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 changes" in html
    rows = html[html.index("<tbody") :]
    assert "Flood" not in rows and "Closure" not in rows
    assert html.index("Details changed") < html.index("Approved") < html.index("Requested:")
    menu = client.get(venue.get_absolute_url()).content.decode()
    assert reverse("bookings:venue_history", args=[venue.slug]) in menu


def test_the_venue_history_filters_by_kind_and_local_days(
    client, approved, venue, manager, frozen_now
):
    with time_machine.travel(datetime(2027, 1, 6, 9, tzinfo=UTC), tick=False):
        add_closure(
            venue=venue, by=manager, starts_at=at(9), ends_at=at(17), reason="Boiler",
            cancel_hit=False,
        )  # fmt: skip
    client.force_login(manager)
    url = reverse("bookings:venue_history", args=[venue.slug])
    closures = client.get(url, {"kind": "closure"}).content.decode()
    assert "1 change" in closures and "Boiler" in closures
    day = client.get(url, {"starts_on": "2027-01-04", "ends_on": "2027-01-04"}).content.decode()
    assert "3 changes" in day and "Boiler" not in day
    assert "6 Jan 2027" in client.get(url, {"starts_on": "2027-01-06"}).content.decode()


def test_a_filter_that_is_not_understood_says_so_and_shows_everything(
    client, approved, venue, manager
):
    client.force_login(manager)
    url = reverse("bookings:venue_history", args=[venue.slug])
    response = client.get(url, {"kind": "everything!", "starts_on": "2027-02-30"}, follow=True)
    assert response.status_code == 400
    assert "The filter was not understood" in response.content.decode()
    response = client.get(url, {"starts_on": "2027-01-06", "ends_on": "2027-01-05"})
    assert response.status_code == 400
    assert "The last day comes before the first." in response.content.decode()


def test_the_venue_history_is_paged(client, venue, manager, room):
    for n in range(30):
        AuditEntry.objects.create(
            at=NOW, action="space.changed", subject_type="space", subject_id=room.pk,
            venue_id=venue.pk, summary=f"Space changed {n}",
        )  # fmt: skip
    client.force_login(manager)
    url = reverse("bookings:venue_history", args=[venue.slug])
    first = client.get(url).content.decode()
    assert "30 changes" in first and first.count("Space changed") == 25
    assert client.get(url, {"page": "2"}).content.decode().count("Space changed") == 5


def test_the_venue_history_needs_a_login_and_is_a_404_for_other_managers(
    client, venue, other_member
):
    url = reverse("bookings:venue_history", args=[venue.slug])
    assert client.get(url).status_code == 302
    VenueFactory(name="Elsewhere").managers.add(other_member)
    client.force_login(other_member)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "day, inside, outside",
    [
        # 29 March 2026: 01:00 GMT becomes 02:00 BST, a 23-hour day.
        (
            "2026-03-29",
            [datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 22, 30, tzinfo=UTC)],
            [datetime(2026, 3, 28, 23, 30, tzinfo=UTC), datetime(2026, 3, 29, 23, 30, tzinfo=UTC)],
        ),
        # 25 October 2026: 02:00 BST becomes 01:00 GMT, a 25-hour day.
        (
            "2026-10-25",
            [
                datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
                datetime(2026, 10, 25, 23, 30, tzinfo=UTC),
            ],
            [datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 26, 0, 30, tzinfo=UTC)],
        ),
    ],
)
def test_a_day_of_the_venue_history_is_the_venues_local_day_on_the_clock_changes(
    client, venue, manager, room, day, inside, outside
):
    for n, instant in enumerate(inside + outside):
        AuditEntry.objects.create(
            at=instant, action="space.changed", subject_type="space", subject_id=room.pk,
            venue_id=venue.pk, summary=f"Change {n}{'in' if instant in inside else 'out'}",
        )  # fmt: skip
    client.force_login(manager)
    url = reverse("bookings:venue_history", args=[venue.slug])
    html = client.get(url, {"starts_on": day, "ends_on": day}).content.decode()
    assert "2 changes" in html
    assert html.count("in</td>") == 2 and "out</td>" not in html
    local = inside[0].astimezone(venue.zone)
    assert f"{local:%a} {local.day} {local:%b %Y %H:%M}" in html
