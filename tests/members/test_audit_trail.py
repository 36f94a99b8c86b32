"""The audit trail (members.audit): every service that changes a tracked object writes one entry
in its own transaction, with who did it, and what changed from what to what.

NOW is Monday 4 January 2027, 08:00 (London on GMT, local == UTC); bookings are on the 5th.
"""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from bookings.checkin import check_in, release_no_shows
from bookings.closures import add_closure
from bookings.expiry import expire_requests
from bookings.models import Booking, Series
from bookings.series import book_series, cancel_series, new_series, preview_series
from bookings.series_terms import set_reconfirm
from bookings.services import (
    BookingError,
    approve_booking,
    cancel_booking,
    change_booking_details,
    decline_booking,
    move_booking,
    request_booking,
    save_space,
)
from members.audit import AuditEntry, acting_from
from members.organisations import change_role, invite_member, remove_member
from memberships.fund_grants import change_fund, grant_fund
from memberships.plans import KindTier, retire_plan, save_kind_tiers, save_plan
from memberships.services import end_membership, grant_membership
from spaces.models import Space
from spaces.people import invite_manager, remove_manager
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import (
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Main hall", slug="hall", requires_approval=True)


def _book(space, booker, hour=10, **kwargs):
    kwargs.setdefault("title", "Choir rehearsal")
    return request_booking(
        booker=booker, space=space, starts_at=at(hour), ends_at=at(hour + 1), now=NOW, **kwargs
    )


def _last() -> AuditEntry:
    return AuditEntry.objects.order_by("-pk").first()


# Each case: set the scene, make one change, then the entry it must leave: (action, who).
def _created(s):
    return _book(s["room"], s["member"]), "booking.created", s["member"]


def _cancelled(s):
    booking = _book(s["room"], s["member"])
    cancel_booking(booking=booking, by=s["member"], reason="Ill", now=NOW)
    return booking, "booking.cancelled", s["member"]


def _approved(s):
    booking = _book(s["hall"], s["member"])
    approve_booking(booking=booking, by=s["manager"], now=NOW)
    return booking, "booking.approved", s["manager"]


def _declined(s):
    booking = _book(s["hall"], s["member"])
    decline_booking(booking=booking, by=s["manager"], reason="Full", now=NOW)
    return booking, "booking.declined", s["manager"]


def _moved(s):
    booking = _book(s["room"], s["member"])
    move_booking(booking=booking, by=s["member"], starts_at=at(14), ends_at=at(15), now=NOW)
    return booking, "booking.moved", s["member"]


def _renamed(s):
    booking = _book(s["room"], s["member"])
    change_booking_details(booking=booking, by=s["manager"], title="Choir", attendees=3)
    return booking, "booking.changed", s["manager"]


def _notes(s):
    from bookings.notes import change_booking_notes

    booking = _book(s["room"], s["member"])
    change_booking_notes(booking=booking, by=s["manager"], setup_notes="Chairs", public_title=True)
    entry = AuditEntry.objects.filter(action="booking.changed").get()
    assert entry.changes == {"setup_notes": ["", "Chairs"], "public_title": [False, True]}
    return booking, "booking.changed", s["manager"]


def _expired(s):
    booking = _book(s["hall"], s["member"])
    expire_requests(now=at(9))
    return booking, "booking.expired", None


def _checked_in(s):
    booking = _book(s["room"], s["member"])
    check_in(booking=booking, by=s["member"], now=at(10))
    return booking, "booking.checked_in", s["member"]


def _no_show(s):
    s["room"].grace_period = timedelta(minutes=15)
    s["room"].save()
    booking = _book(s["room"], s["member"])
    release_no_shows(now=at(10, 20))
    return booking, "booking.no_show", None


def _closure(s):
    closure, _hit = add_closure(
        venue=s["venue"], by=s["manager"], starts_at=at(9), ends_at=at(17), reason="Boiler",
        cancel_hit=False, now=NOW,
    )  # fmt: skip
    return closure, "closure.created", s["manager"]


def _series(s):
    series = new_series(
        space=s["room"], booker=s["member"], starts_on=date(2027, 1, 5), start_time=time(10),
        duration=timedelta(hours=1), frequency=Series.Frequency.WEEKLY, count=3, title="Choir",
    )  # fmt: skip
    preview = preview_series(series=series, now=NOW)
    outcome = book_series(series=series, expected=preview.fingerprint(), now=NOW)
    return outcome.series, "series.created", s["member"]


def _series_cancelled(s):
    series, _action, _who = _series(s)
    first = series.bookings.order_by("starts_at").first()
    cancel_series(booking=first, by=s["member"], scope="all", now=NOW)
    return series, "series.cancelled", s["member"]


def _series_term(s):
    series, _action, _who = _series(s)
    set_reconfirm(series=series, weeks=4, now=NOW, by=s["manager"])
    return series, "series.changed", s["manager"]


def _space_rules(s):
    room = Space.objects.get(pk=s["room"].pk)
    room.requires_approval, room.rate = True, Decimal("12.50")
    save_space(space=room, by=s["manager"], now=NOW)
    return room, "space.changed", s["manager"]


def _manager_added(s):
    invite_manager(venue=s["venue"], email=s["other"].email, by=s["manager"], now=NOW)
    return s["venue"], "venue.manager_added", s["manager"]


def _manager_removed(s):
    s["venue"].managers.add(s["other"])
    remove_manager(venue=s["venue"], member=s["other"], by=s["manager"])
    return s["venue"], "venue.manager_removed", s["manager"]


def _org_people(s):
    group = OrganisationFactory(name="Choir")
    OrganisationAdminFactory(organisation=group, member=s["member"])
    invite_member(organisation=group, email=s["other"].email, by=s["member"], now=NOW)
    return group, "organisation.role", s["member"]


def _org_role(s):
    group = OrganisationFactory(name="Choir")
    OrganisationAdminFactory(organisation=group, member=s["member"])
    joined = OrganisationMembershipFactory(organisation=group, member=s["other"])
    change_role(organisation=group, membership=joined, role="admin", by=s["member"])
    return group, "organisation.role", s["member"]


def _org_removed(s):
    group = OrganisationFactory(name="Choir")
    OrganisationAdminFactory(organisation=group, member=s["member"])
    joined = OrganisationMembershipFactory(organisation=group, member=s["other"])
    remove_member(organisation=group, membership=joined, by=s["member"])
    return group, "organisation.role", s["member"]


def _plan(s):
    plan = save_plan(
        venue=s["venue"], name="Hot desk", space_kinds=["meeting_room"],
        booking_window=timedelta(days=30), by=s["manager"],
    )  # fmt: skip
    return plan, "plan.created", s["manager"]


def _plan_changed(s):
    plan = PlanFactory(venue=s["venue"])
    save_plan(
        venue=s["venue"], plan=plan, name="Renamed", space_kinds=["meeting_room"],
        booking_window=timedelta(days=30), by=s["manager"],
    )  # fmt: skip
    return plan, "plan.changed", s["manager"]


def _plan_retired(s):
    plan = PlanFactory(venue=s["venue"])
    grant_membership(plan=plan, member=s["member"], starts_on=date(2027, 1, 1))
    retire_plan(plan=plan, by=s["manager"])
    return plan, "plan.changed", s["manager"]


def _membership(s):
    plan = PlanFactory(venue=s["venue"])
    membership = grant_membership(
        plan=plan, member=s["member"], starts_on=date(2027, 1, 1), by=s["manager"]
    )
    return membership, "membership.created", s["manager"]


def _membership_ended(s):
    plan = PlanFactory(venue=s["venue"])
    membership = grant_membership(plan=plan, member=s["member"], starts_on=date(2027, 1, 1))
    end_membership(membership=membership, ends_on=date(2027, 1, 31), by=s["manager"])
    return membership, "membership.changed", s["manager"]


def _tiers(s):
    saved = save_kind_tiers(
        venue=s["venue"], tiers={"charity": KindTier("reduced", Decimal(50))}, by=s["manager"]
    )
    return saved["charity"], "organisationkindtier.created", s["manager"]


def _fund(s):
    fund = grant_fund(
        venue=s["venue"], organisation=OrganisationFactory(), name="Spring",
        starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31), hours=Decimal(40), by=s["manager"],
    )  # fmt: skip
    return fund, "communityfund.created", s["manager"]


def _fund_changed(s):
    fund, _action, _who = _fund(s)
    change_fund(
        fund=fund, name="Spring", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
        hours=Decimal(30), by=s["manager"],
    )  # fmt: skip
    return fund, "communityfund.changed", s["manager"]


CHANGES = [
    _created, _cancelled, _approved, _declined, _moved, _renamed, _notes, _expired, _checked_in,
    _no_show, _closure, _series, _series_cancelled, _series_term, _space_rules, _manager_added,
    _manager_removed, _org_people, _org_role, _org_removed, _plan, _plan_changed, _plan_retired,
    _membership, _membership_ended, _tiers, _fund, _fund_changed,
]  # fmt: skip


@pytest.fixture
def scene(venue, room, hall, member, other_member, manager):
    return {
        "venue": venue,
        "room": room,
        "hall": hall,
        "member": member,
        "other": other_member,
        "manager": manager,
    }


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_every_service_that_changes_a_tracked_object_records_who_and_what(scene, change):
    subject, action, who = change(scene)
    entry = AuditEntry.objects.filter(action=action).order_by("-pk").first()
    assert entry is not None, f"no {action} entry"
    assert (entry.subject_type, entry.subject_id) == (subject._meta.model_name, subject.pk)
    assert entry.actor == who
    assert entry.summary and "<" not in entry.summary
    if entry.subject_type != "organisation":
        assert entry.venue_id == scene["venue"].pk


def test_an_entry_holds_each_changed_field_from_and_to(scene):
    booking = _book(scene["room"], scene["member"])
    move_booking(booking=booking, by=scene["member"], starts_at=at(14), ends_at=at(15), now=NOW)
    entry = _last()
    assert entry.changes == {
        "starts_at": ["2027-01-05T10:00:00+00:00", "2027-01-05T14:00:00+00:00"],
        "ends_at": ["2027-01-05T11:00:00+00:00", "2027-01-05T15:00:00+00:00"],
    }
    assert entry.at == NOW
    assert entry.summary == "Moved: Meeting room, Tue 5 Jan 2027 14:00–15:00"


def test_a_refused_change_records_nothing(scene):
    booking = _book(scene["room"], scene["member"])
    before = AuditEntry.objects.count()
    with pytest.raises(BookingError):
        cancel_booking(booking=booking, by=scene["other"], now=NOW)
    with pytest.raises(BookingError):
        _book(scene["room"], scene["other"])  # the same hour: taken
    assert AuditEntry.objects.count() == before


def test_a_change_rolled_back_after_its_entry_leaves_no_entry(scene, monkeypatch):
    from bookings import notifications

    def boom(*args, **kwargs):
        raise RuntimeError("mail server on fire")

    booking = _book(scene["room"], scene["member"])
    monkeypatch.setattr(notifications, "booking_cancelled", boom)
    with pytest.raises(RuntimeError):
        cancel_booking(booking=booking, by=scene["member"], now=NOW)
    assert not AuditEntry.objects.filter(action="booking.cancelled").exists()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED


def test_the_system_is_credited_with_the_command_that_ran(scene, time_machine):
    booking = _book(scene["hall"], scene["member"])
    time_machine.move_to(at(9))
    call_command("expire_requests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    entry = AuditEntry.objects.get(action="booking.expired", subject_id=booking.pk)
    assert (entry.actor, entry.source) == (None, "command expire_requests")


def test_outside_a_command_or_request_the_source_is_the_system_and_inside_it_is_named(scene):
    booking = _book(scene["room"], scene["member"])
    assert _last().source == "system"
    with acting_from("api"):
        cancel_booking(booking=booking, by=scene["member"], now=NOW)
    assert _last().source == "api"


def test_a_change_on_the_site_says_it_came_from_the_web(scene, client, frozen_now):
    client.force_login(scene["manager"])
    response = client.post(
        f"/manage/venues/{scene['venue'].slug}/hours/exceptions/",
        {"date": "2027-01-08", "opens": "10:00", "closes": "14:00", "note": "Bank holiday"},
    )
    assert response.status_code == 302
    entry = _last()
    assert (entry.action, entry.actor, entry.source) == (
        "openingexception.created",
        scene["manager"],
        "web",
    )
    assert entry.changes["note"] == [None, "Bank holiday"]


def test_an_admin_edit_of_the_staff_flag_is_credited_to_the_staff_member(scene, admin_client):
    member = scene["other"]
    response = admin_client.post(
        f"/admin/members/member/{member.pk}/change/",
        {
            "email": member.email,
            "display_name": member.display_name,
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = _last()
    assert (entry.action, entry.source) == ("member.changed", "admin")
    assert entry.actor is not None and entry.actor.is_superuser
    assert entry.changes["is_staff"] == [False, True]


def test_opening_hours_changed_and_removed_on_the_managers_form_are_recorded(
    scene, client, frozen_now
):
    from spaces.models import OpeningHours

    client.force_login(scene["manager"])
    hours = list(OpeningHours.objects.filter(venue=scene["venue"]).order_by("weekday"))
    data = {
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": str(len(hours)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(hours):
        data |= {
            f"hours-{n}-id": str(row.pk),
            f"hours-{n}-weekday": str(row.weekday),
            f"hours-{n}-opens": "09:00",
            f"hours-{n}-closes": "17:00" if n else "13:00",
        }
    data["hours-6-DELETE"] = "on"
    response = client.post(f"/manage/venues/{scene['venue'].slug}/hours/", data)
    assert response.status_code == 302
    changed = AuditEntry.objects.get(action="openinghours.changed")
    assert changed.changes == {"closes": ["17:00:00", "13:00:00"]}
    removed = AuditEntry.objects.get(action="openinghours.removed")
    assert removed.subject_id == hours[6].pk and removed.actor == scene["manager"]


def test_retention_clears_the_free_text_from_the_trail_and_keeps_the_rest(scene):
    from operations.privacy import ANONYMOUS_TITLE, anonymise_old_bookings

    booking = _book(scene["room"], scene["member"], title="Fay's private session")
    change_booking_details(
        booking=booking, by=scene["member"], title="Counselling", purpose="My family"
    )
    cancel_booking(booking=booking, by=scene["member"], reason="Feeling better", now=NOW)
    assert anonymise_old_bookings(now=at(12) + timedelta(days=800), days=745) == 1
    assert Booking.objects.get(pk=booking.pk).title == ANONYMOUS_TITLE
    trail = AuditEntry.objects.of("booking", booking.pk)
    text = repr([entry.changes for entry in trail]) + repr([entry.summary for entry in trail])
    for secret in ("private", "Counselling", "My family", "Feeling better"):
        assert secret not in text
    assert trail.last().changes["status"] == ["confirmed", "cancelled"]
    assert trail.first().changes["title"] == [None, None]


def test_closing_an_account_clears_its_bookings_free_text_and_records_its_memberships_end(
    scene,
):
    from operations.privacy import close_account

    past = _book(scene["room"], scene["member"], title="Fay's private session")
    membership = grant_membership(
        plan=PlanFactory(venue=scene["venue"]), member=scene["member"], starts_on=date(2027, 1, 1)
    )
    group = OrganisationFactory(name="Choir")
    OrganisationMembershipFactory(organisation=group, member=scene["member"])
    scene["venue"].managers.add(scene["member"])  # one of two managers: may close
    close_account(member=scene["member"], now=NOW)
    stepped_down = AuditEntry.objects.get(action="venue.manager_removed")
    assert (stepped_down.actor, stepped_down.venue_id) == (scene["member"], scene["venue"].pk)
    left = AuditEntry.objects.of("organisation", group.pk).get()
    assert left.changes == {"role of Fay Freelancer": ["member", None]}
    assert "private" not in repr(list(AuditEntry.objects.of("booking", past.pk).values()))
    ended = AuditEntry.objects.of("membership", membership.pk).last()
    assert ended.changes == {"ends_on": [None, "2027-01-04"]}
    assert ended.actor == scene["member"] and ended.venue_id == scene["venue"].pk


def test_a_series_records_each_date_in_one_write_and_a_preview_records_nothing(scene):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    series = new_series(
        space=scene["room"], booker=scene["member"], starts_on=date(2027, 1, 5),
        start_time=time(10), duration=timedelta(hours=1), frequency=Series.Frequency.WEEKLY,
        count=4, title="Choir",
    )  # fmt: skip
    preview = preview_series(series=series, now=NOW)
    assert not AuditEntry.objects.exists()
    with CaptureQueriesContext(connection) as captured:
        outcome = book_series(series=series, expected=preview.fingerprint(), now=NOW)
    inserts = [
        q for q in captured.captured_queries if 'INSERT INTO "members_auditentry"' in q["sql"]
    ]
    assert len(inserts) == 1
    dates = outcome.series.bookings.values_list("pk", flat=True)
    created = AuditEntry.objects.filter(action="booking.created", subject_id__in=dates)
    assert created.count() == 4


def test_deciding_a_whole_series_records_each_date_approved_or_declined_by_the_manager(scene):
    from bookings.series import decide_series

    series = new_series(
        space=scene["hall"], booker=scene["member"], starts_on=date(2027, 1, 5),
        start_time=time(10), duration=timedelta(hours=1), frequency=Series.Frequency.WEEKLY,
        count=3, title="Choir",
    )  # fmt: skip
    preview = preview_series(series=series, now=NOW)
    dates = list(
        book_series(series=series, expected=preview.fingerprint(), now=NOW)
        .series.bookings.order_by("starts_at")
        .values_list("pk", flat=True)
    )
    decide_series(
        series=Series.objects.get(pk=series.pk),
        by=scene["manager"],
        approve=dates[:2],
        reason="The hall is painted that week.",
        now=NOW,
    )
    decided = AuditEntry.objects.filter(
        subject_type="booking",
        subject_id__in=dates,
        action__in=["booking.approved", "booking.declined"],
    ).order_by("subject_id")
    assert [(e.subject_id, e.action) for e in decided] == [
        (dates[0], "booking.approved"),
        (dates[1], "booking.approved"),
        (dates[2], "booking.declined"),
    ]
    assert {e.actor for e in decided} == {scene["manager"]}
    assert decided[0].changes["status"] == ["pending", "confirmed"]
    assert decided[2].changes["status"] == ["pending", "declined"]


def test_a_booking_made_through_the_api_is_credited_to_its_member_from_the_api(scene, frozen_now):
    from tests.api.conftest import client_with_token

    response = client_with_token(scene["member"]).post(
        "/api/v1/bookings/",
        {
            "space": scene["room"].pk,
            "starts_at": "2027-01-05T10:00:00+00:00",
            "ends_at": "2027-01-05T11:00:00+00:00",
            "title": "Choir rehearsal",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    entry = _last()
    assert (entry.action, entry.actor, entry.source) == ("booking.created", scene["member"], "api")
    assert entry.subject_id == response.json()["id"]
