"""The demo data: loaded once, valid by every booking rule, and the printed logins work."""

from collections import defaultdict
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from schedule.models import Event

from bookings.models import Booking
from demo.people import LOGINS
from members.models import Organisation, OrganisationMembership
from spaces.intervals import Interval
from spaces.models import Closure, Space, Venue
from spaces.open_hours import opening_intervals


def table_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_loading_the_demo_again_changes_no_table(demo, db):
    before = table_counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert table_counts() == before
    assert "already loaded" in out.getvalue()
    for login in LOGINS:
        assert login.email in out.getvalue() and login.password in out.getvalue()


def test_the_demo_has_two_venues_organisations_of_every_kind_and_bookings(demo, db):
    assert set(Venue.objects.values_list("slug", flat=True)) == {"st-lukes", "neighbourhood-lab"}
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    hub = Venue.objects.get(slug="st-lukes")
    desks = hub.spaces.get(kind=Space.Kind.DESK_POOL)
    assert (desks.seats, desks.capacity) == (20, 20)
    assert sorted(hub.spaces.filter(seats=1).values_list("capacity", flat=True)) == [6, 12, 80]
    assert hub.spaces.get(capacity=80).requires_approval
    assert Booking.objects.filter(starts_at__lt=demo).count() > 1000
    assert Booking.objects.filter(starts_at__gte=demo).count() > 50


def test_exclusive_spaces_never_hold_two_active_bookings_at_once(demo, db):
    last_blocked_until: dict[int, datetime] = {}
    for space_id, starts_at, blocked_until in (
        Booking.objects.active()
        .filter(exclusive=True)
        .order_by("space", "starts_at")
        .values_list("space_id", "starts_at", "blocked_until")
    ):
        if space_id in last_blocked_until:
            assert starts_at >= last_blocked_until[space_id]
        last_blocked_until[space_id] = max(
            blocked_until, last_blocked_until.get(space_id, blocked_until)
        )


def test_a_desk_pool_never_has_more_active_bookings_than_seats_at_any_instant(demo, db):
    for pool in Space.objects.filter(seats__gt=1):
        edges = []
        for starts_at, blocked_until in pool.bookings.active().values_list(
            "starts_at", "blocked_until"
        ):
            edges += [(starts_at, 1), (blocked_until, -1)]
        running = peak = 0
        for _instant, step in sorted(edges):  # at equal instants ends (-1) come first: half-open
            running += step
            peak = max(peak, running)
        assert 0 < peak <= pool.seats


def test_nobody_holds_two_desks_at_once(demo, db):
    desk_days = defaultdict(int)
    for booking in Booking.objects.active().filter(exclusive=False).select_related("space__venue"):
        desk_days[(booking.booker_id, booking.local_starts_at.date())] += 1
    assert desk_days and max(desk_days.values()) == 1


def test_every_booking_keeps_the_rules_of_its_space_in_the_venue_zone(demo, db):
    spaces = {space.pk: space for space in Space.objects.select_related("venue")}
    hours = {venue.pk: list(venue.opening_hours.all()) for venue in Venue.objects.all()}
    closures = list(Closure.objects.all())
    belongs = set(OrganisationMembership.objects.values_list("organisation_id", "member_id"))
    for booking in Booking.objects.all():
        space = spaces[booking.space_id]
        venue = space.venue
        slot = Interval(booking.starts_at, booking.ends_at)
        day = Interval(slot.start - timedelta(days=1), slot.end + timedelta(days=1))
        assert any(
            opening.contains(slot)
            for opening in opening_intervals(venue, day, hours=hours[venue.pk])
        ), f"{booking} is outside the opening hours of {venue}"
        local = booking.starts_at.astimezone(venue.zone)
        assert timedelta(hours=local.hour, minutes=local.minute) % space.slot_step == timedelta(0)
        assert local.second == local.microsecond == 0
        assert space.min_duration <= slot.duration <= space.max_duration
        assert slot.duration % space.slot_step == timedelta(0)
        assert 1 <= booking.attendees <= space.capacity
        assert booking.exclusive == (space.seats == 1)
        assert booking.blocked_until == booking.ends_at + space.buffer_after
        if booking.is_active:
            assert not any(
                c.venue_id == venue.pk
                and c.space_id in (None, space.pk)
                and Interval(c.starts_at, c.ends_at).overlaps(slot)
                for c in closures
            ), f"{booking} falls in a closure"
        if booking.organisation_id:
            assert (booking.organisation_id, booking.booker_id) in belongs


def test_past_bookings_are_confirmed_cancelled_or_declined_with_their_story(demo, db):
    past = Booking.objects.filter(starts_at__lt=demo)
    statuses = set(past.values_list("status", flat=True))
    assert statuses == {
        Booking.Status.CONFIRMED,
        Booking.Status.CANCELLED,
        Booking.Status.DECLINED,
        Booking.Status.NO_SHOW,
    }
    assert past.filter(status=Booking.Status.CONFIRMED).count() > 0.8 * past.count()
    assert not past.filter(status=Booking.Status.DECLINED, space__requires_approval=False).exists()
    # Check-in where the space releases no-shows (the desk pools), and only there.
    released = past.filter(space__grace_period__isnull=False)
    checked_in = released.filter(checked_in_at__isnull=False)
    assert not released.filter(status=Booking.Status.CONFIRMED, checked_in_at=None).exists()
    assert released.filter(status=Booking.Status.NO_SHOW).count() < 0.2 * released.count()
    assert not checked_in.exclude(status=Booking.Status.CONFIRMED).exists()
    assert not past.filter(space__grace_period__isnull=True, checked_in_at__isnull=False).exists()
    for booking in past.exclude(status=Booking.Status.CONFIRMED):
        if booking.status == Booking.Status.NO_SHOW:
            assert booking.space.grace_period and booking.checked_in_at is None
        elif booking.status == Booking.Status.CANCELLED:
            assert booking.cancelled_by_id and booking.cancelled_at < booking.starts_at
        else:
            assert booking.decided_by_id and booking.decision_reason
    assert not past.exclude(created_at__lt=F("starts_at")).exists()
    assert not past.filter(activity="").exists()


def test_use_grows_after_each_venue_opened_for_sharing(demo, db):
    for venue in Venue.objects.all():
        opened = datetime.combine(
            venue.opened_for_sharing_on, datetime.min.time(), tzinfo=venue.zone
        )
        confirmed = Booking.objects.filter(space__venue=venue, status=Booking.Status.CONFIRMED)
        before = confirmed.filter(starts_at__gte=opened - timedelta(weeks=6), starts_at__lt=opened)
        recent = confirmed.filter(starts_at__gte=demo - timedelta(weeks=6), starts_at__lt=demo)
        hours_before = (
            sum((b.ends_at - b.starts_at for b in before), timedelta()) / timedelta(hours=1) / 6
        )
        assert abs(hours_before - float(venue.baseline_weekly_hours)) <= 2, (
            f"{venue}: {hours_before} h a week"
        )
        assert recent.count() > 4 * before.count()


def test_every_active_booking_has_a_scheduler_event_on_its_space_calendar(demo, db):
    active = Booking.objects.active().select_related("space", "event")
    assert not active.filter(event__isnull=True).exists()
    for booking in active:
        assert booking.event.calendar_id == booking.space.calendar_id
        assert (booking.event.start, booking.event.end) == (booking.starts_at, booking.ends_at)
    assert Event.objects.count() == active.count()


def test_managers_find_requests_waiting_and_the_personas_have_upcoming_bookings(demo, db):
    upcoming = Booking.objects.filter(starts_at__gte=demo)
    by_venue = defaultdict(int)
    for booking in upcoming.filter(status=Booking.Status.PENDING).select_related("space__venue"):
        by_venue[booking.space.venue.slug] += 1
    assert by_venue["st-lukes"] >= 1 and by_venue["neighbourhood-lab"] >= 1
    for login in LOGINS[:2]:
        assert upcoming.filter(booker__email=login.email).count() >= 2


@pytest.mark.parametrize("login", LOGINS, ids=[login.email for login in LOGINS])
def test_each_demo_login_can_log_in_at_once(demo, db, client, login):
    response = client.post(
        reverse("account_login"), {"login": login.email, "password": login.password}
    )
    assert response.status_code == 302
    assert response.url == reverse("bookings:mine")
    assert client.get(reverse("bookings:mine")).status_code == 200


def test_the_venue_managers_manage_their_venues(demo, db):
    for venue in Venue.objects.all():
        assert venue.managers.count() == 1
    staff = apps.get_model("members", "Member").objects.get(email="staff@commonshare.test")
    assert staff.is_staff and staff.is_superuser


def test_the_hall_screen_shows_none_of_the_demo_members_names_or_emails(demo, db, client):
    """Each demo venue's today page, opened while its busiest booking of the coming days runs,
    even with public titles on: no member's name or email, no organisation, no title (no demo
    booking is marked public)."""
    from html import escape

    from feeds.models import DisplayLink
    from members.models import Member

    people = list(Member.objects.values_list("display_name", "email"))
    organisations = list(Organisation.objects.values_list("name", flat=True))
    for venue in Venue.objects.all():
        venue.display_public_titles = True
        venue.save()
        link = DisplayLink.objects.create(
            venue=venue, name="Entrance tablet", created_by=venue.managers.get()
        )
        booking = (
            Booking.objects.active()
            .filter(space__venue=venue, starts_at__gte=demo, space__seats=1)
            .order_by("-attendees", "starts_at")
            .first()
        )
        assert booking is not None
        titles = set(
            Booking.objects.filter(space__venue=venue, public_title=False).values_list(
                "title", flat=True
            )
        )
        # A desk booking called "Hot desk" cannot be told from the pool's own name on the page.
        names = list(venue.spaces.values_list("name", flat=True))
        titles = {title for title in titles if not any(title in name for name in names)}
        with time_machine.travel(booking.starts_at + timedelta(minutes=5), tick=False):
            response = client.get(f"/display/{link.token}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "In use until" in body
        for text in [*(n for n, _ in people), *(e for _, e in people), *organisations, *titles]:
            assert text not in body and escape(text) not in body, (venue.slug, text)
