"""The authorisation walk: every URL pattern × every role, with the status each must get.

A URL pattern that is not listed here fails the walk, so a new page joins it with its rule. The
walk also checks that no page shows a member's personal details (name, email) to someone who may
not see them. Writes (POST) are refused the same way: their GET answers are walked here and the
forms' own tests post to them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from api.tokens import create_api_token
from bookings.models import Booking, Series, WaitlistEntry
from feeds.models import DisplayLink, FeedToken
from members.models import OrganisationMembership
from memberships.models import CommunityFund, Membership, Plan
from memberships.services import grant_membership
from spaces.models import CalendarImport, OpeningException
from stats.models import ProxyValue
from tests.factories import (
    BookingFactory,
    CommunityFundFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SpaceFactory,
    VenueFactory,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint

ROLES = (
    "anonymous",
    "member",
    "booker",
    "org_member",
    "org_admin",
    "other_manager",
    "manager",
    "staff",
)
LOGIN = 302  # sent to the login page


def answers(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


# The rules, as the permission module states them.
PUBLIC = answers(200)
SIGNED_IN = answers(200, anonymous=LOGIN)
MANAGERS = answers(404, anonymous=LOGIN, manager=200, staff=200)
BOOKING_SEEN = answers(404, anonymous=LOGIN, booker=200, manager=200, staff=200)
POST_ONLY_SIGNED_IN = answers(405, anonymous=LOGIN)
# The API answers a missing login with a 401 (JSON), not a redirect to the login page.
UNAUTHORISED = 401
API_SIGNED_IN = answers(200, anonymous=UNAUTHORISED)
API_MANAGERS = answers(404, anonymous=UNAUTHORISED, manager=200, staff=200)
API_BOOKING_SEEN = answers(404, anonymous=UNAUTHORISED, booker=200, manager=200, staff=200)
API_POST_ONLY = answers(405, anonymous=UNAUTHORISED)


@dataclass
class Scene:
    venue: object
    other_venue: object
    space: object
    booking: Booking
    token: FeedToken
    people: dict


@pytest.fixture
def scene(db) -> Scene:
    venue = VenueFactory(
        name="Alpha Hall", slug="alpha", publish_busy_times=True, publish_impact=True
    )
    other_venue = VenueFactory(name="Beta Lab", slug="beta")
    space = SpaceFactory(venue=venue, slug="hall", requires_approval=True)
    people = {
        "member": MemberFactory(display_name="Una Related", email="una@example.org"),
        "booker": MemberFactory(display_name="Bea Booker", email="bea@example.org"),
        "org_member": MemberFactory(display_name="Oona Member", email="oona@example.org"),
        "org_admin": MemberFactory(display_name="Ada Admin", email="ada@example.org"),
        "other_manager": MemberFactory(display_name="Ollie Other", email="ollie@example.org"),
        "manager": MemberFactory(display_name="Mo Manager", email="mo@example.org"),
        "staff": MemberFactory(
            display_name="Stef Staff", email="stef@example.org", is_staff=True, is_superuser=True
        ),
    }
    organisation = OrganisationFactory(name="Food Share", slug="food-share")
    for role in ("booker", "org_member"):
        OrganisationMembershipFactory(organisation=organisation, member=people[role])
    OrganisationMembershipFactory(
        organisation=organisation,
        member=people["org_admin"],
        role=OrganisationMembership.Role.ADMIN,
    )
    venue.managers.add(people["manager"])
    other_venue.managers.add(people["other_manager"])
    start = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
    booking = BookingFactory(
        space=space,
        booker=people["booker"],
        organisation=organisation,
        status=Booking.Status.PENDING,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        title="Secret planning",
    )
    series = Series.objects.create(
        space=space,
        booker=people["booker"],
        organisation=organisation,
        title="Secret planning",
        starts_on=start.date(),
        start_time=start.time(),
        duration=timedelta(hours=1),
        frequency=Series.Frequency.WEEKLY,
        count=2,
    )
    booking.series = series
    booking.save(update_fields=["series"])
    token = FeedToken.objects.create(owner=people["booker"], scope=FeedToken.Scope.MEMBER)
    # The booker waits for a time of the space and has been offered it; their own pending booking
    # holds that time, so claiming it is refused (409) whenever the walk runs.
    WaitlistEntry.objects.create(
        space=space,
        member=people["booker"],
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        title="Secret planning",
        state=WaitlistEntry.State.OFFERED,
        offer_token="walk-offer-token",
        offer_expires_at=datetime.now(UTC) + timedelta(hours=2),
    )
    ProxyValue.objects.create(
        venue=venue,
        name="Value",
        measure=ProxyValue.Measure.HIRING,
        amount="10.00",
        source="A source",
        licence="OGL",
    )
    CalendarImport.objects.create(venue=venue, name="Church services", uploaded_ics="")
    DisplayLink.objects.create(venue=venue, name="Entrance tablet", created_by=people["manager"])
    hook = WebhookEndpoint.objects.create(
        venue=venue,
        url="https://hooks.example.org/alpha",
        events=["booking.created"],
        created_by=people["manager"],
    )
    WebhookDelivery.objects.create(
        endpoint=hook, kind="booking.created", payload={}, created_at=start, status="failed"
    )
    create_api_token(owner=people["booker"], name="Walk token")
    OpeningException.objects.create(venue=venue, date=start.date(), note="Bank holiday")
    plan = PlanFactory(venue=venue, name="Community group")
    grant_membership(plan=plan, organisation=organisation, starts_on=start.date())
    CommunityFundFactory(
        venue=venue,
        organisation=organisation,
        starts_on=start.date(),
        ends_on=start.date() + timedelta(days=90),
    )
    return Scene(venue, other_venue, space, booking, token, people)


Kwargs = Callable[[Scene], dict]


def of_venue(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug}


def of_space(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "space_slug": scene.space.slug}


def of_booking(scene: Scene) -> dict:
    return {"pk": scene.booking.pk}


def of_token(scene: Scene) -> dict:
    return {"pk": scene.token.pk}


def none(scene: Scene) -> dict:
    return {}


# view name -> (how to fill its URL, the answer per role)
WALK: dict[str, tuple[Kwargs, dict[str, int]]] = {}


def of_token_path(scene: Scene) -> dict:
    return {"token": scene.token.token}


def of_calendar(scene: Scene) -> dict:
    return {"pk": CalendarImport.objects.get().pk}


def of_proxy_value(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": ProxyValue.objects.get().pk}


def of_exception(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": OpeningException.objects.get().pk}


def of_organisation(scene: Scene) -> dict:
    return {"slug": "food-share"}


def of_organisation_person(scene: Scene) -> dict:
    membership = OrganisationMembership.objects.get(member=scene.people["org_member"])
    return {"slug": "food-share", "membership_id": membership.pk}


def of_month(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "month": scene.booking.starts_at.strftime("%Y-%m")}


def of_organisation_month(scene: Scene) -> dict:
    return {"slug": "food-share", **of_month(scene)}


def of_member_month(scene: Scene) -> dict:
    return {"member_id": scene.people["booker"].pk, **of_month(scene)}


def of_series(scene: Scene) -> dict:
    assert scene.booking.series_id is not None
    return {"pk": scene.booking.series_id}


def of_entry(scene: Scene) -> dict:
    return {"pk": WaitlistEntry.objects.get().pk}


def of_offer(scene: Scene) -> dict:
    return {"token": "walk-offer-token"}


def of_plan(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": Plan.objects.get().pk}


def of_membership(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": Membership.objects.get().pk}


def of_fund(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": CommunityFund.objects.get().pk}


def of_display_link(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": DisplayLink.objects.get().pk}


def of_display_token(scene: Scene) -> dict:
    return {"token": DisplayLink.objects.get().token}


def of_webhook(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "pk": WebhookEndpoint.objects.get().pk}


def of_delivery(scene: Scene) -> dict:
    return {**of_webhook(scene), "delivery_pk": WebhookDelivery.objects.get().pk}


def of_api_token(scene: Scene) -> dict:
    return {"pk": ApiToken.objects.get().pk}


def of_pk_membership(scene: Scene) -> dict:
    return {"pk": Membership.objects.get().pk}


def of_space_pk(scene: Scene) -> dict:
    return {"pk": scene.space.pk}


def of_manager(scene: Scene) -> dict:
    return {"venue_slug": scene.venue.slug, "member_id": scene.people["manager"].pk}


WALK.update(
    {
        # The API (api/): public reads; the member's own things; a venue's for its managers.
        "api:tokens": (none, SIGNED_IN),
        "api:revoke_token": (of_api_token, POST_ONLY_SIGNED_IN),
        "api:root": (none, PUBLIC),
        "api:schema": (none, PUBLIC),
        "api:docs": (none, PUBLIC),
        "api:venues": (none, PUBLIC),
        "api:venue": (of_venue, PUBLIC),
        "api:venue_availability": (of_venue, PUBLIC),
        "api:venue_usage": (of_venue, PUBLIC),  # the venue publishes its impact
        "api:venue_bookings": (of_venue, API_MANAGERS),
        "api:spaces": (none, PUBLIC),
        "api:space": (of_space_pk, PUBLIC),
        "api:space_availability": (of_space_pk, PUBLIC),
        "api:bookings": (none, API_SIGNED_IN),
        "api:booking": (of_booking, API_BOOKING_SEEN),
        "api:move": (of_booking, API_POST_ONLY),
        "api:cancel": (of_booking, API_POST_ONLY),
        "api:cancel_series": (of_booking, API_POST_ONLY),
        "api:change_series": (of_booking, API_POST_ONLY),
        "api:approve": (of_booking, API_POST_ONLY),
        "api:decline": (of_booking, API_POST_ONLY),
        "api:series": (none, API_SIGNED_IN),
        "api:preview_series": (none, API_POST_ONLY),
        "api:book_series": (none, API_POST_ONLY),
        "api:one_series": (of_series, answers(404, anonymous=UNAUTHORISED, booker=200)),
        "api:memberships": (none, API_SIGNED_IN),
        "api:membership": (
            of_pk_membership,
            answers(404, anonymous=UNAUTHORISED, booker=200, org_member=200, org_admin=200),
        ),
        "api:feed_tokens": (none, API_SIGNED_IN),
        "api:revoke_feed_token": (of_token, API_POST_ONLY),
        "api:unknown": (lambda scene: {"rest": "nothing/here/"}, answers(404)),
        "home": (none, answers(302)),  # to the venues
        "bookings:venues": (none, PUBLIC),
        "spaces:venue": (of_venue, PUBLIC),
        "bookings:space": (of_space, PUBLIC),
        "bookings:book": (of_space, SIGNED_IN),
        "bookings:mine": (none, SIGNED_IN),
        "bookings:detail": (of_booking, BOOKING_SEEN),
        "bookings:change": (of_booking, BOOKING_SEEN),
        "bookings:cancel": (of_booking, answers(405)),
        # Check-in: a POST for the booker and the venue's managers (bookings.checkin); the door's
        # QR code opens a page for any signed-in member, about their own booking only.
        "bookings:check_in": (of_booking, answers(405)),
        "bookings:door_check_in": (of_space, SIGNED_IN),
        "bookings:space_qr": (of_space, MANAGERS),
        "bookings:door_sign": (of_space, MANAGERS),
        # Any venue's manager has a requests page (listing only their venues' requests).
        "bookings:requests": (
            none,
            answers(403, anonymous=LOGIN, other_manager=200, manager=200, staff=200),
        ),
        "bookings:approve": (of_booking, answers(405)),
        "bookings:decline": (of_booking, answers(405)),
        "bookings:decide_requests": (none, answers(405)),
        "members:account": (none, SIGNED_IN),
        "memberships:account": (none, SIGNED_IN),
        # Calendar apps fetch with the token alone; it is the secret (revocable).
        "feeds:token_feed": (of_token_path, PUBLIC),
        # Published busy times: no names, no titles (checked below).
        "feeds:busy_venue": (of_venue, PUBLIC),
        "feeds:busy_space": (of_space, PUBLIC),
        "feeds:booking_ics": (of_booking, BOOKING_SEEN),
        "feeds:mine": (none, SIGNED_IN),
        "feeds:create": (none, POST_ONLY_SIGNED_IN),
        "feeds:regenerate": (of_token, POST_ONLY_SIGNED_IN),
        "feeds:revoke": (of_token, POST_ONLY_SIGNED_IN),
        "feeds:venue_calendars": (of_venue, MANAGERS),
        "feeds:refresh_calendar": (of_calendar, POST_ONLY_SIGNED_IN),
        "feeds:delete_calendar": (of_calendar, POST_ONLY_SIGNED_IN),
        "stats:venue": (of_venue, MANAGERS),
        "stats:space": (of_space, MANAGERS),
        "stats:daily_csv": (of_venue, MANAGERS),
        "stats:proxy_values": (of_venue, MANAGERS),
        "stats:proxy_value_edit": (of_proxy_value, MANAGERS),
        "stats:proxy_value_delete": (of_proxy_value, MANAGERS),
        # The venue publishes its impact: disclosure-controlled figures only.
        "stats:impact": (of_venue, PUBLIC),
        "stats:usage_csv": (of_venue, PUBLIC),
        "stats:usage_json": (of_venue, PUBLIC),
        "bookings:venue_day": (of_venue, MANAGERS),
        "bookings:venue_week": (of_venue, MANAGERS),
        "bookings:venue_bookings": (of_venue, MANAGERS),
        "bookings:venue_closures": (of_venue, MANAGERS),
        "bookings:venue_history": (of_venue, MANAGERS),
        "bookings:book_on_behalf": (of_venue, MANAGERS),
        "bookings:book_series_on_behalf": (of_venue, MANAGERS),
        "bookings:venue_edit": (of_venue, MANAGERS),
        "bookings:venue_hours": (of_venue, MANAGERS),
        "bookings:add_opening_exception": (of_venue, answers(405)),
        "bookings:delete_opening_exception": (of_exception, answers(405)),
        "bookings:venue_spaces": (of_venue, MANAGERS),
        "bookings:space_new": (of_venue, MANAGERS),
        "bookings:space_edit": (of_space, MANAGERS),
        "spaces:venue_people": (of_venue, MANAGERS),
        "spaces:remove_manager": (of_manager, POST_ONLY_SIGNED_IN),
        # Organisations: their members read the page, their admins run it; staff use the admin.
        "members:organisation": (
            of_organisation,
            answers(404, anonymous=LOGIN, booker=200, org_member=200, org_admin=200),
        ),
        "members:organisation_edit": (
            of_organisation,
            answers(404, anonymous=LOGIN, booker=403, org_member=403, org_admin=200),
        ),
        "members:organisation_role": (of_organisation_person, POST_ONLY_SIGNED_IN),
        "members:organisation_remove": (of_organisation_person, POST_ONLY_SIGNED_IN),
        "bookings:organisation_bookings": (
            of_organisation,
            answers(404, anonymous=LOGIN, booker=403, org_member=403, org_admin=200),
        ),
        "bookings:organisation_statement": (
            of_organisation_month,
            answers(404, anonymous=LOGIN, org_admin=200, manager=200, staff=200),
        ),
        # Statements: one's own, and a member's at a venue for its managers.
        "bookings:my_statements": (none, SIGNED_IN),
        "bookings:my_statement": (of_month, SIGNED_IN),
        "bookings:member_statement": (of_member_month, BOOKING_SEEN),
        # Series.
        "bookings:repeat": (of_space, SIGNED_IN),
        "bookings:cancel_series": (of_booking, answers(405)),
        "bookings:change_series": (of_booking, BOOKING_SEEN),
        "bookings:decide_series": (of_series, MANAGERS),
        "bookings:series_term": (of_series, MANAGERS),
        # The organiser's answer to "keep the next term's dates?": their own series only.
        "bookings:confirm_term": (of_series, answers(404, anonymous=LOGIN, booker=200)),
        # A member's own data (the JSON is theirs only).
        "operations:your_data": (none, SIGNED_IN),
        "operations:download_data": (none, SIGNED_IN),
        "operations:close_account": (none, SIGNED_IN),
        # Waiting lists: joined from the booking form, left and claimed by the member only (the
        # claim link of another member is a page saying so; the slot is not shown).
        "bookings:join_waitlist": (of_space, answers(405)),
        "bookings:leave_waitlist": (of_entry, answers(405)),
        "bookings:claim": (of_offer, answers(403, anonymous=LOGIN, booker=409)),
        # Plans, memberships, tiers and community funds: the venue's managers'.
        "memberships:plans": (of_venue, MANAGERS),
        "memberships:plan_new": (of_venue, MANAGERS),
        "memberships:plan_edit": (of_plan, MANAGERS),
        "memberships:plan_retire": (of_plan, POST_ONLY_SIGNED_IN),
        "memberships:tiers": (of_venue, MANAGERS),
        "memberships:memberships": (of_venue, MANAGERS),
        "memberships:membership_grant": (of_venue, MANAGERS),
        "memberships:membership_end": (of_membership, MANAGERS),
        "memberships:funds": (of_venue, MANAGERS),
        "memberships:fund_new": (of_venue, MANAGERS),
        "memberships:fund": (of_fund, MANAGERS),
        # The screen in the hall: its managers make and revoke links; the link is the secret
        # and its page shows nobody's name or title (checked below: the venue shows no titles).
        "feeds:display_links": (of_venue, MANAGERS),
        "webhooks:endpoints": (of_venue, MANAGERS),
        "webhooks:pause": (of_webhook, POST_ONLY_SIGNED_IN),
        "webhooks:resume": (of_webhook, POST_ONLY_SIGNED_IN),
        "webhooks:delete": (of_webhook, POST_ONLY_SIGNED_IN),
        "webhooks:deliveries": (of_webhook, MANAGERS),
        "webhooks:send_again": (of_delivery, POST_ONLY_SIGNED_IN),
        "feeds:revoke_display": (of_display_link, POST_ONLY_SIGNED_IN),
        "feeds:today": (of_display_token, PUBLIC),
        "bookings:venue_day_sheet": (of_venue, MANAGERS),
    }
)
TITLE, NAME, EMAIL = "Secret planning", "Bea Booker", "bea@example.org"
# Where more roles may see some of it than the booker and the venue's managers: an organisation's
# admins see the bookings made for it (they run its account and pay) and its members' addresses;
# its members see each other's names (not addresses).
ALSO_SEEN = {
    "bookings:organisation_bookings": {"org_admin": {TITLE, NAME, EMAIL}},
    "bookings:organisation_statement": {"org_admin": {TITLE, NAME, EMAIL}},
    "members:organisation": {"org_admin": {NAME, EMAIL}, "org_member": {NAME}},
}

# Who may see the booking's title and its booker's name and email.
SEES_THE_BOOKING = {"booker", "manager", "staff"}
# Pages that are the booking's own (its token's bearer is the booker's calendar app).
OWN_FEEDS = {"feeds:token_feed"}


def app_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, URLPattern]]:
    """Every named URL pattern of the site's own apps (the admin and allauth are walked apart)."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or str(pattern.pattern).startswith("accounts/"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += app_patterns(pattern, inner)
        elif pattern.name:
            found.append((namespace + pattern.name, pattern))
    return found


def client_for(scene: Scene, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(scene.people[role])
    return client


def test_every_url_pattern_is_in_the_walk() -> None:
    names = {name for name, _ in app_patterns()}
    assert names - WALK.keys() == set(), "new URL patterns: give each its rule in WALK"
    assert WALK.keys() - names == set(), "WALK lists URL patterns that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_answer_the_rules_give(scene: Scene, role: str) -> None:
    client = client_for(scene, role)
    wrong = []
    assert scene.booking.title == TITLE
    for name, (kwargs, expected) in WALK.items():
        url = reverse(name, kwargs=kwargs(scene))
        response = client.get(url)
        if response.status_code != expected[role]:
            wrong.append(f"{name} {url}: {response.status_code}, expected {expected[role]}")
            continue
        if role == "anonymous" and response.status_code == LOGIN and name != "home":
            assert response["Location"].startswith(reverse("account_login")), url
        if response.status_code == 200 and role not in SEES_THE_BOOKING and name not in OWN_FEEDS:
            private = {TITLE, NAME, EMAIL} - ALSO_SEEN.get(name, {}).get(role, set())
            body = b"".join(response) if response.streaming else response.content
            shown = sorted(text for text in private if text.encode() in body)
            if shown:
                wrong.append(f"{name} {url} shows {shown} to {role}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in {"manager", "staff"}])
def test_writes_by_someone_without_the_right_change_nothing(scene: Scene, role: str) -> None:
    """Posting to another's booking, feed token or venue as `role` is refused, and nothing moves."""
    client = client_for(scene, role)
    targets = {
        "bookings:approve": of_booking,
        "bookings:decline": of_booking,
        "feeds:regenerate": of_token,
        "feeds:revoke": of_token,
        "feeds:refresh_calendar": of_calendar,
        "feeds:delete_calendar": of_calendar,
        "bookings:add_opening_exception": of_venue,
        "bookings:delete_opening_exception": of_exception,
        "spaces:remove_manager": of_manager,
        "stats:proxy_value_delete": of_proxy_value,
        "memberships:plan_retire": of_plan,
        "memberships:plan_edit": of_plan,
        "memberships:membership_end": of_membership,
        "memberships:fund": of_fund,
        "memberships:tiers": of_venue,
        "feeds:display_links": of_venue,
        "feeds:revoke_display": of_display_link,
        "webhooks:endpoints": of_venue,
        "webhooks:pause": of_webhook,
        "webhooks:resume": of_webhook,
        "webhooks:delete": of_webhook,
        "webhooks:send_again": of_delivery,
        "bookings:series_term": of_series,
        "bookings:book_series_on_behalf": of_venue,
    }
    if role != "booker":
        targets["bookings:cancel"] = of_booking
        targets["bookings:check_in"] = of_booking
        targets["bookings:cancel_series"] = of_booking
        targets["bookings:change_series"] = of_booking
        targets["bookings:confirm_term"] = of_series
    if role != "booker":
        targets["bookings:leave_waitlist"] = of_entry
        targets["bookings:claim"] = of_offer
    if role != "booker":
        targets["api:revoke_token"] = of_api_token
    if role != "org_admin":
        targets["members:organisation_role"] = of_organisation_person
        targets["members:organisation_remove"] = of_organisation_person
    before = snapshot(scene)
    for name, kwargs in targets.items():
        if role == "booker" and name.startswith("feeds:re"):
            continue  # the token is the booker's own
        response = client.post(reverse(name, kwargs=kwargs(scene)), {"reason": "x"})
        assert response.status_code in {302, 403, 404}, (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login")), name
    assert snapshot(scene) == before


@pytest.mark.parametrize("role", [r for r in ROLES if r not in {"manager", "staff"}])
@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_deciding_several_requests_without_the_right_changes_nothing(
    scene: Scene, role: str, decision: str
) -> None:
    """The requests page's form of several: a non-manager is refused; a manager of another
    venue ticking this venue's request is told it is not theirs (400), and nothing moves."""
    client = client_for(scene, role)
    before = snapshot(scene)
    response = client.post(
        reverse("bookings:decide_requests"),
        {"selected": [scene.booking.pk], "decision": decision, "reason": "x"},
    )
    expected = {"anonymous": LOGIN, "other_manager": 400}.get(role, 403)
    assert response.status_code == expected
    assert snapshot(scene) == before


def snapshot(scene: Scene) -> tuple:
    booking = Booking.objects.get(pk=scene.booking.pk)
    token = FeedToken.objects.get(pk=scene.token.pk)
    return (
        booking.status,
        booking.updated_at,
        booking.checked_in_at,
        token.token,
        token.revoked_at,
        CalendarImport.objects.count(),
        OpeningException.objects.count(),
        list(scene.venue.managers.order_by("pk").values_list("pk", flat=True)),
        list(OrganisationMembership.objects.order_by("pk").values_list("pk", "role")),
        list(Booking.objects.order_by("pk").values_list("pk", "status")),
        ProxyValue.objects.count(),
        list(Plan.objects.values_list("pk", "name", "is_active", "tier")),
        list(Membership.objects.values_list("pk", "ends_on")),
        list(CommunityFund.objects.values_list("pk", "hours", "amount", "ends_on")),
        list(scene.venue.kind_tiers.values_list("organisation_kind", "tier")),
        list(WaitlistEntry.objects.values_list("pk", "state", "booking_id")),
        list(DisplayLink.objects.values_list("pk", "name", "revoked_at")),
        list(WebhookEndpoint.objects.values_list("pk", "url", "active", "secret")),
        list(WebhookDelivery.objects.values_list("pk", "status", "attempts")),
        list(ApiToken.objects.values_list("pk", "revoked_at")),
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_staff_only(scene: Scene, role: str) -> None:
    """Every model's list in the admin: staff see it; anyone else is sent to the admin's login."""
    client = client_for(scene, role)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in urls:
        response = client.get(url)
        if role == "staff":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url


ACCOUNT_PAGES_SIGNED_OUT = ["account_login", "account_signup", "account_reset_password"]
ACCOUNT_PAGES_SIGNED_IN = ["account_email", "account_change_password"]


@pytest.mark.parametrize("role", ROLES)
def test_the_account_pages_answer_each_role(scene: Scene, role: str) -> None:
    client = client_for(scene, role)
    for name in ACCOUNT_PAGES_SIGNED_OUT:
        # Signed in, allauth sends people on from the login and sign-up pages.
        assert client.get(reverse(name)).status_code in {200, 302}, name
    for name in ACCOUNT_PAGES_SIGNED_IN:
        response = client.get(reverse(name))
        assert response.status_code == (LOGIN if role == "anonymous" else 200), name
    bad_key = client.get(reverse("account_confirm_email", kwargs={"key": "not-a-key"}))
    assert bad_key.status_code in {200, 404}
