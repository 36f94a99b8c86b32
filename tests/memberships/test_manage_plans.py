"""The manager's plan pages: list, add and change with allowances, stop offering; and the tiers
for kinds of organisation. Bad input is a form error and nothing is written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from memberships.models import Allowance, OrganisationKindTier, Plan
from memberships.services import grant_membership
from tests.factories import MemberFactory, VenueFactory

pytestmark = pytest.mark.django_db

PLANS = "/manage/venues/st-lukes/plans/"
NEW = PLANS + "new/"
TIERS = PLANS + "tiers/"


@pytest.fixture
def manager_client(frozen_now, client, manager):
    client.force_login(manager)
    return client


def plan_data(**overrides) -> dict:
    data = {
        "name": "Hot desk 10 days",
        "description": "",
        "space_kinds": ["desk_pool", "meeting_room"],
        "window_days": "30",
        "tier": "full",
        "reduction_percent": "",
        "is_active": "on",
        "allowances-TOTAL_FORMS": "2",
        "allowances-INITIAL_FORMS": "0",
        "allowances-MIN_NUM_FORMS": "0",
        "allowances-MAX_NUM_FORMS": "1000",
        "allowances-0-kind": "desk_pool",
        "allowances-0-quantity": "10",
        "allowances-0-unit": "days",
        "allowances-1-kind": "meeting_room",
        "allowances-1-quantity": "4.5",
        "allowances-1-unit": "hours",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_manager_adds_a_plan_with_its_allowances(manager_client, venue):
    response = manager_client.post(NEW, plan_data())
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.venue, plan.space_kinds, plan.booking_window) == (
        venue,
        ["desk_pool", "meeting_room"],
        timedelta(days=30),
    )
    allowances = {a.kind: (a.hours_per_month, a.days_per_month) for a in plan.allowances.all()}
    assert allowances == {"desk_pool": (None, 10), "meeting_room": (Decimal("4.5"), None)}
    page = manager_client.get(PLANS).text
    assert "Hot desk 10 days" in page
    assert "Desk pool: 10 desk-days a month<br>Meeting room" in page
    assert "Meeting room: 4.5 hours a month" in page
    assert "30 days ahead" in page


def test_the_plans_page_is_linked_from_the_managers_pages(manager_client, venue):
    page = manager_client.get("/manage/venues/st-lukes/day/").text
    assert f'href="{PLANS}"' in page and "Plans and memberships" in page
    assert 'href="/manage/venues/st-lukes/funds/"' in page
    plans = manager_client.get(PLANS).text
    assert f'href="{NEW}"' in plans
    assert 'href="/manage/venues/st-lukes/memberships/"' in plans
    assert f'href="{TIERS}"' in plans


def test_changing_a_plan_replaces_its_allowances(manager_client, venue):
    manager_client.post(NEW, plan_data())
    plan = Plan.objects.get()
    edit = f"{PLANS}{plan.pk}/"
    page = manager_client.get(edit).text
    assert 'value="Hot desk 10 days"' in page
    response = manager_client.post(
        edit,
        plan_data(
            name="Hot desk 12 days",
            space_kinds=["desk_pool"],
            **{
                "allowances-0-quantity": "12",
                "allowances-1-kind": "",
                "allowances-1-quantity": "",
            },
        ),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.name == "Hot desk 12 days"
    assert [(a.kind, a.days_per_month) for a in plan.allowances.all()] == [("desk_pool", 12)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"space_kinds": []}, "A plan must allow at least one kind of space."),
        ({"allowances-1-quantity": "-2"}, "An allowance cannot be negative."),
        ({"tier": "reduced", "reduction_percent": "120"}, "less than 100"),
        ({"tier": "reduced", "reduction_percent": ""}, "Give the percentage off"),
        ({"space_kinds": ["desk_pool"]}, "The plan does not include Meeting room"),
        ({"allowances-1-unit": "days"}, "Desk-days are whole days."),
        (
            {"allowances-1-quantity": "4", "allowances-1-unit": "days"},
            "Desk-days are for desk pools",
        ),
        ({"allowances-1-kind": "desk_pool"}, "Desk pool has two allowances"),
        ({"window_days": "0"}, "greater than or equal to 1"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(manager_client, venue, overrides, message):
    response = manager_client.post(NEW, plan_data(**overrides))
    assert response.status_code == 400
    assert message in response.text
    assert not Plan.objects.exists() and not Allowance.objects.exists()


def test_a_bad_change_leaves_the_plan_as_it_was(manager_client, venue):
    manager_client.post(NEW, plan_data())
    plan = Plan.objects.get()
    response = manager_client.post(
        f"{PLANS}{plan.pk}/", plan_data(name="Renamed", **{"allowances-1-quantity": "-1"})
    )
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.name == "Hot desk 10 days"
    assert plan.allowances.count() == 2


def test_a_second_plan_of_the_same_name_is_refused(manager_client, venue):
    manager_client.post(NEW, plan_data())
    response = manager_client.post(NEW, plan_data(name="hot desk 10 DAYS"))
    assert response.status_code == 400
    assert "already has a plan called" in response.text
    assert Plan.objects.count() == 1


def test_a_reduced_plan_keeps_its_percentage_and_a_full_one_none(manager_client, venue):
    manager_client.post(NEW, plan_data(tier="reduced", reduction_percent="25"))
    assert Plan.objects.get().reduction_percent == Decimal("25")
    manager_client.post(NEW, plan_data(name="Other", tier="full", reduction_percent="25"))
    assert Plan.objects.get(name="Other").reduction_percent is None


def test_a_plan_in_use_is_retired_and_an_unused_one_deleted(manager_client, venue, member):
    manager_client.post(NEW, plan_data())
    manager_client.post(NEW, plan_data(name="Unused"))
    used, unused = Plan.objects.get(name="Hot desk 10 days"), Plan.objects.get(name="Unused")
    grant_membership(plan=used, member=member, starts_on=date(2027, 1, 1))
    assert manager_client.get(f"{PLANS}{used.pk}/retire/").status_code == 405
    response = manager_client.post(f"{PLANS}{used.pk}/retire/", follow=True)
    assert "is no longer offered" in response.text
    used.refresh_from_db()
    assert used.is_active is False
    assert "not offered" in manager_client.get(PLANS).text
    manager_client.post(f"{PLANS}{unused.pk}/retire/")
    assert not Plan.objects.filter(pk=unused.pk).exists()


def test_the_plans_list_counts_who_holds_each_plan_today(manager_client, venue, member):
    manager_client.post(NEW, plan_data())
    plan = Plan.objects.get()
    grant_membership(plan=plan, member=member, starts_on=date(2027, 1, 1))
    grant_membership(
        plan=plan, member=MemberFactory(), starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    grant_membership(plan=plan, member=MemberFactory(), starts_on=date(2027, 2, 1))
    assert '<td data-label="Holding it now" >1</td>' in manager_client.get(PLANS).text


# --- Who may see the pages ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "new/", "tiers/"])
def test_anyone_but_the_venues_managers_gets_a_404_and_anonymous_a_login(
    client, venue, member, path
):
    assert client.get(PLANS + path).status_code == 302
    client.force_login(member)
    assert client.get(PLANS + path).status_code == 404
    elsewhere = MemberFactory()
    VenueFactory(name="Neighbourhood Lab").managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(PLANS + path).status_code == 404


def test_another_venues_plan_is_a_404(manager_client, venue):
    other = Plan.objects.create(
        venue=VenueFactory(name="Neighbourhood Lab"), name="Lab plan", space_kinds=["desk_pool"]
    )
    assert manager_client.get(f"{PLANS}{other.pk}/").status_code == 404
    assert manager_client.post(f"{PLANS}{other.pk}/retire/").status_code == 404
    assert Plan.objects.get(pk=other.pk).is_active


# --- Tiers for kinds of organisation ------------------------------------------------------------


def tier_data(**overrides) -> dict:
    data = {}
    for kind in (
        "charity",
        "community_group",
        "social_enterprise",
        "business",
        "freelancer",
        "public_body",
    ):
        data[f"{kind}_tier"] = "full"
        data[f"{kind}_percent"] = ""
    data.update(overrides)
    return data


def test_the_tiers_form_saves_a_charity_rate_and_free_community_groups(manager_client, venue):
    response = manager_client.post(
        TIERS,
        tier_data(charity_tier="reduced", charity_percent="50", community_group_tier="free"),
    )
    assert response.status_code == 302
    rows = {
        r.organisation_kind: (r.tier, r.reduction_percent)
        for r in OrganisationKindTier.objects.all()
    }
    assert rows == {"charity": ("reduced", Decimal("50")), "community_group": ("free", None)}
    page = manager_client.get(TIERS).text
    assert 'value="50.00"' in page or 'value="50"' in page
    # Back to the full rate: the row goes.
    manager_client.post(TIERS, tier_data(charity_tier="reduced", charity_percent="50"))
    assert list(OrganisationKindTier.objects.values_list("organisation_kind", flat=True)) == [
        "charity"
    ]


@pytest.mark.parametrize("percent", ["100", "0", "", "-5", "150"])
def test_a_reduction_not_between_0_and_100_is_refused_and_nothing_changes(
    manager_client, venue, percent
):
    manager_client.post(TIERS, tier_data(community_group_tier="free"))
    response = manager_client.post(
        TIERS,
        tier_data(
            community_group_tier="reduced",
            community_group_percent="20",
            charity_tier="reduced",
            charity_percent=percent,
        ),
    )
    assert response.status_code == 400
    assert "Charity" in response.text
    assert list(OrganisationKindTier.objects.values_list("organisation_kind", "tier")) == [
        ("community_group", "free")
    ]
