"""The manager's memberships pages: the list (by plan, current or ended, with what is left this
month), granting to a member by email or to an organisation, and ending one. The services lock
and refuse overlaps; bad input is a form error and nothing is written."""

from datetime import date
from decimal import Decimal

import pytest

from memberships.models import Allowance, Membership
from memberships.services import grant_membership
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    PlanFactory,
    VenueFactory,
)
from tests.memberships.conftest import utc

pytestmark = pytest.mark.django_db

LIST = "/manage/venues/st-lukes/memberships/"
GRANT = LIST + "new/"


@pytest.fixture
def manager_client(frozen_now, client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def plan(venue):
    plan = PlanFactory(venue=venue, name="Community group", space_kinds=["meeting_room"])
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(10))
    return plan


def grant_data(the_plan, **overrides) -> dict:
    data = {
        "plan": str(the_plan.pk),
        "holder": "member",
        "email": "FREELANCER@example.org",
        "organisation": "",
        "starts_on": "2027-01-01",
        "ends_on": "",
        "per_person_cap": "",
    }
    data.update(overrides)
    return data


def test_a_manager_grants_a_plan_to_a_member_by_email(manager_client, plan, member):
    response = manager_client.post(GRANT, grant_data(plan), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Fay Freelancer now holds Community group." in response.text
    membership = Membership.objects.get()
    assert (membership.member, membership.organisation, membership.starts_on) == (
        member,
        None,
        date(2027, 1, 1),
    )


def test_a_manager_grants_a_plan_to_an_organisation_with_a_cap(manager_client, plan):
    group = OrganisationFactory(name="Ladywood Youth Choir")
    response = manager_client.post(
        GRANT,
        grant_data(
            plan,
            holder="organisation",
            email="",
            organisation=str(group.pk),
            ends_on="2027-06-30",
            per_person_cap="3",
        ),
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.organisation, membership.ends_on, membership.per_person_cap) == (
        group,
        date(2027, 6, 30),
        Decimal(3),
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "nobody@example.org"}, "No member has this email address"),
        ({"email": ""}, "Give the member&#x27;s email address."),
        ({"holder": "organisation", "email": ""}, "Choose the organisation."),
        ({"ends_on": "2026-12-31"}, "A membership must end on or after its start."),
        ({"per_person_cap": "2"}, "A cap per person is for an organisation"),
        ({"starts_on": "not a date"}, "Enter a valid date."),
        ({"plan": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(
    manager_client, plan, member, overrides, message
):
    response = manager_client.post(GRANT, grant_data(plan, **overrides))
    assert response.status_code == 400
    assert message in response.text
    assert not Membership.objects.exists()


def test_an_overlapping_membership_of_the_same_plan_is_refused(manager_client, plan, member):
    grant_membership(
        plan=plan, member=member, starts_on=date(2026, 6, 1), ends_on=date(2027, 1, 31)
    )
    response = manager_client.post(GRANT, grant_data(plan, starts_on="2027-01-15"))
    assert response.status_code == 400
    assert "already holds Community group from 1 June 2026; the two would overlap." in response.text
    assert Membership.objects.count() == 1
    # After it ends, a new one may start.
    assert manager_client.post(GRANT, grant_data(plan, starts_on="2027-02-01")).status_code == 302


def test_another_venues_plan_cannot_be_granted_here(manager_client, plan, member):
    theirs = PlanFactory(venue=VenueFactory(name="Neighbourhood Lab"))
    response = manager_client.post(GRANT, grant_data(theirs))
    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    assert not Membership.objects.exists()


def test_a_plan_no_longer_offered_is_not_offered(manager_client, plan, member):
    plan.is_active = False
    plan.save()
    response = manager_client.post(GRANT, grant_data(plan))
    assert response.status_code == 400
    assert not Membership.objects.exists()


def test_the_list_shows_each_holder_and_what_is_left_this_month(manager_client, plan, member, room):
    membership = grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    BookingFactory(
        space=room,
        booker=member,
        membership=membership,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 13),
    )
    group = OrganisationFactory(name="Ladywood Youth Choir")
    grant_membership(plan=plan, organisation=group, starts_on=date(2027, 2, 1))
    page = manager_client.get(LIST).text
    assert "Fay Freelancer" in page and "freelancer@example.org" in page
    assert "Meeting room: 7 of 10 hours left in January" in page
    assert "Ladywood Youth Choir" in page
    assert "2 memberships" in page
    assert f'href="{GRANT}"' in page


def test_the_list_filters_by_plan_and_current_or_ended(manager_client, plan, member, venue):
    other = PlanFactory(venue=venue, name="Hot desk", space_kinds=["desk_pool"])
    grant_membership(
        plan=plan, member=member, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    grant_membership(
        plan=other, member=MemberFactory(display_name="Desk Dee"), starts_on=date(2027, 1, 1)
    )
    current = manager_client.get(LIST).text
    assert "Desk Dee" in current and "Fay Freelancer" not in current
    ended = manager_client.get(LIST, {"state": "ended"}).text
    assert "Fay Freelancer" in ended and "Desk Dee" not in ended
    by_plan = manager_client.get(LIST, {"state": "all", "plan": str(plan.pk)}).text
    assert "Fay Freelancer" in by_plan and "Desk Dee" not in by_plan
    junk = manager_client.get(LIST, {"plan": "nonsense"})
    assert junk.status_code == 200 and "The filter was not understood" in junk.text


def test_ending_a_membership_sets_its_last_day(manager_client, plan, member):
    membership = grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    end = f"{LIST}{membership.pk}/end/"
    assert f'href="{end}"' in manager_client.get(LIST).text
    response = manager_client.post(end, {"ends_on": "2027-01-31"}, follow=True)
    assert "ends on 31 January 2027" in response.text
    membership.refresh_from_db()
    assert membership.ends_on == date(2027, 1, 31)


def test_ending_on_the_last_date_there_is_is_an_end_not_a_fault(manager_client, plan, member):
    """9999-12-31 has no day after it (found by tests/test_hostile_input_walk.py)."""
    membership = grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    response = manager_client.post(f"{LIST}{membership.pk}/end/", {"ends_on": "9999-12-31"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on == date(9999, 12, 31)


def test_ending_before_bookings_that_use_it_is_refused(manager_client, plan, member, room):
    membership = grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    BookingFactory(space=room, booker=member, membership=membership, starts_at=utc(2027, 2, 3, 10))
    end = f"{LIST}{membership.pk}/end/"
    for bad, message in (
        ("2027-01-31", "1 booking(s) after that day use this membership"),
        ("2025-01-01", "A membership must end on or after its start."),
        ("", "This field is required."),
    ):
        response = manager_client.post(end, {"ends_on": bad})
        assert response.status_code == 400
        assert message in response.text
        membership.refresh_from_db()
        assert membership.ends_on is None


@pytest.mark.parametrize("path", ["", "new/"])
def test_anyone_but_the_venues_managers_gets_a_404_and_anonymous_a_login(
    client, venue, member, path
):
    assert client.get(LIST + path).status_code == 302
    client.force_login(member)
    assert client.get(LIST + path).status_code == 404
    elsewhere = MemberFactory()
    VenueFactory(name="Neighbourhood Lab").managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(LIST + path).status_code == 404


def test_another_venues_membership_cannot_be_ended_here(manager_client, member):
    theirs = grant_membership(
        plan=PlanFactory(venue=VenueFactory(name="Neighbourhood Lab")),
        member=member,
        starts_on=date(2026, 1, 1),
    )
    assert (
        manager_client.post(f"{LIST}{theirs.pk}/end/", {"ends_on": "2027-01-31"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.ends_on is None
