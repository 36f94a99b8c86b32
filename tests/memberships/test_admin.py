"""Plans and memberships in the admin (staff only until the managers' own pages come)."""

from datetime import date

import pytest

from memberships.models import Membership
from tests.factories import MemberFactory


@pytest.fixture
def staff_client(client, frozen_now, db):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    return client


def test_the_plan_and_membership_admin_pages_render(staff_client, member, make_plan, grant):
    plan = make_plan(days=10)
    membership = grant(plan, member=member)
    for url in [
        "/admin/memberships/plan/",
        f"/admin/memberships/plan/{plan.pk}/change/",
        "/admin/memberships/plan/add/",
        "/admin/memberships/membership/",
        f"/admin/memberships/membership/{membership.pk}/change/",
        "/admin/memberships/membership/add/",
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_an_overlapping_membership_is_refused_in_the_admin(staff_client, member, make_plan, grant):
    plan = make_plan(days=10)
    grant(plan, member=member, starts_on=date(2026, 1, 1))
    response = staff_client.post(
        "/admin/memberships/membership/add/",
        {"plan": plan.pk, "member": member.pk, "starts_on": "2027-01-01"},
    )
    assert response.status_code == 200
    assert "already holds Hot desk 10 days" in response.text
    assert Membership.objects.count() == 1
    response = staff_client.post(
        "/admin/memberships/membership/add/",
        {"plan": plan.pk, "member": MemberFactory().pk, "starts_on": "2027-01-01"},
    )
    assert response.status_code == 302
    assert Membership.objects.count() == 2
