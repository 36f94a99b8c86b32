"""Tiers and community funds in the admin (staff, until the managers' own pages come): a reduction
over 100 % or with three decimals, or a grant of nothing, is a form error and writes nothing."""

from decimal import Decimal

import pytest

from memberships.models import CommunityFund, OrganisationKindTier
from tests.factories import CommunityFundFactory, MemberFactory, OrganisationFactory


@pytest.fixture
def staff_client(client, frozen_now, db):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    return client


def test_the_tier_and_fund_admin_pages_render(staff_client, venue):
    fund = CommunityFundFactory(venue=venue)
    for url in [
        "/admin/memberships/organisationkindtier/",
        "/admin/memberships/organisationkindtier/add/",
        "/admin/memberships/communityfund/",
        "/admin/memberships/communityfund/add/",
        f"/admin/memberships/communityfund/{fund.pk}/change/",
    ]:
        assert staff_client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("150", "A reduction is more than 0 % and less than 100 % (100 % off is the free tier)."),
        ("100", "A reduction is more than 0 % and less than 100 % (100 % off is the free tier)."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("", "Give the percentage off for a reduced rate."),
    ],
)
def test_a_bad_reduction_is_refused_and_nothing_written(staff_client, venue, percent, message):
    response = staff_client.post(
        "/admin/memberships/organisationkindtier/add/",
        {
            "venue": venue.pk,
            "organisation_kind": "charity",
            "tier": "reduced",
            "reduction_percent": percent,
        },
    )
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["reduction_percent"]
    assert not OrganisationKindTier.objects.exists()


def test_a_fund_is_granted_in_the_admin_by_whoever_granted_it(staff_client, venue):
    group = OrganisationFactory()
    data = {
        "venue": venue.pk,
        "organisation": group.pk,
        "name": "Spring term",
        "hours": "40",
        "amount": "",
        "starts_on": "2027-01-01",
        "ends_on": "2027-03-31",
    }
    refused = staff_client.post("/admin/memberships/communityfund/add/", data | {"amount": "5"})
    assert "Grant hours or money, not both." in refused.text
    assert not CommunityFund.objects.exists()
    assert staff_client.post("/admin/memberships/communityfund/add/", data).status_code == 302
    fund = CommunityFund.objects.get()
    assert (fund.hours, fund.granted_by.is_staff) == (Decimal(40), True)
