import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking
from stats.models import ProxyValue
from stats.occupancy import compute_stats
from stats.periods import Period
from stats.values import estimates, money

pytestmark = pytest.mark.django_db

JANUARY = {"kind": "month", "on": "2027-01-15"}


@pytest.fixture
def january(room):
    """Three health sessions of 2 hours with 10 people each, and a learning session of 1 hour."""
    from tests.factories import BookingFactory

    for day in (5, 6, 7):
        start = datetime(2027, 1, day, 10, tzinfo=UTC)
        BookingFactory(
            space=room,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            activity=Booking.Activity.HEALTH,
            attendees=10,
        )
    start = datetime(2027, 1, 8, 10, tzinfo=UTC)
    BookingFactory(
        space=room,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        activity=Booking.Activity.LEARNING,
        attendees=4,
    )


def proxy(venue, **fields) -> ProxyValue:
    defaults = {
        "name": "Value",
        "measure": ProxyValue.Measure.BOOKED_HOUR,
        "amount": Decimal("5.00"),
        "source": "Our funder's guidance, 2026",
        "licence": "Used with the funder's permission",
    }
    return ProxyValue.objects.create(venue=venue, **(defaults | fields))


def values_url(venue) -> str:
    return reverse("stats:proxy_values", kwargs={"venue_slug": venue.slug})


def test_estimates_multiply_the_periods_figures_by_each_proxy(venue, january):
    per_hour = proxy(venue, name="Per hour", amount=Decimal("5.00"))
    per_health_visit = proxy(
        venue,
        name="Per health visit",
        measure=ProxyValue.Measure.PARTICIPANT_VISIT,
        activity=Booking.Activity.HEALTH,
        amount=Decimal("2.50"),
    )
    per_hiring = proxy(venue, name="Per hiring", measure="hiring", amount=Decimal("12.35"))
    per_arts_hour = proxy(venue, name="Arts", activity=Booking.Activity.ARTS)
    stats = compute_stats(venue, Period(datetime(2027, 1, 1).date(), datetime(2027, 1, 31).date()))

    found = {
        e.proxy.name: e
        for e in estimates(stats, [per_hour, per_health_visit, per_hiring, per_arts_hour])
    }

    assert found["Per hour"].quantity == Decimal("7") and found["Per hour"].value == Decimal(
        "35.00"
    )
    assert found["Per health visit"].quantity == 30  # 3 x 10 declared; the learning 4 not counted
    assert found["Per health visit"].value == Decimal("75.00")
    assert found["Per hiring"].value == Decimal("49.40")  # 4 hirings x £12.35
    assert found["Arts"].quantity == 0 and found["Arts"].value == Decimal("0.00")


def test_money_shows_a_symbol_for_common_currencies_and_the_code_otherwise():
    assert money(Decimal("1234.5"), "GBP") == "£1,234.50"
    assert money(Decimal("3"), "SEK") == "3.00 SEK"


def test_a_manager_adds_a_proxy_value_and_sees_its_estimate_in_the_stats(
    client, manager, venue, january
):
    client.force_login(manager)
    response = client.post(
        values_url(venue),
        {
            "name": "Wellbeing of a group member",
            "measure": "participant_visit",
            "activity": "health",
            "amount": "2.50",
            "currency": "gbp",
            "source": "Our funder's evaluation guide, 2026",
            "source_url": "https://example.org/guide",
            "licence": "CC BY 4.0",
        },
    )
    assert response.status_code == 302
    saved = ProxyValue.objects.get()
    assert saved.venue == venue and saved.entered_by == manager and saved.currency == "GBP"

    page = client.get(reverse("stats:venue", kwargs={"venue_slug": venue.slug}), JANUARY)
    text = page.content.decode()
    assert "Wellbeing of a group member" in text
    assert "£75.00" in text and "CC BY 4.0" in text and "https://example.org/guide" in text

    export = client.get(
        reverse("stats:venue", kwargs={"venue_slug": venue.slug}),
        {**JANUARY, "_export": "csv", "_table": "values"},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:5] == [
        "Proxy value",
        "Counted",
        "Quantity in the period",
        "Value per unit",
        "Estimate",
    ]
    assert rows[1][0] == "Wellbeing of a group member" and rows[1][4] == "£75.00"


def test_without_proxy_values_the_stats_page_offers_to_add_one(client, manager, venue, room):
    client.force_login(manager)
    page = client.get(reverse("stats:venue", kwargs={"venue_slug": venue.slug}), JANUARY)
    assert "No proxy values entered." in page.content.decode()
    assert values_url(venue) in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": "-3"}, "amount", "greater than or equal to 0.01"),
        ({"amount": "lots"}, "amount", "Enter a number."),
        ({"licence": ""}, "licence", "This field is required."),
        ({"source": ""}, "source", "This field is required."),
        ({"currency": "£"}, "currency", "three-letter code"),
        ({"measure": "smiles"}, "measure", "Select a valid choice."),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(
    client, manager, venue, change, field, message
):
    client.force_login(manager)
    data = {
        "name": "Value",
        "measure": "booked_hour",
        "amount": "5",
        "currency": "GBP",
        "source": "Guide",
        "licence": "CC BY 4.0",
    }
    response = client.post(values_url(venue), data | change)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not ProxyValue.objects.exists()


def test_only_the_venues_managers_see_or_change_its_proxy_values(client, member, venue):
    from tests.factories import VenueFactory

    other = proxy(VenueFactory(name="Elsewhere", slug="elsewhere"))
    mine = proxy(venue)
    client.force_login(member)
    assert client.get(values_url(venue)).status_code == 404
    assert client.post(values_url(venue), {"name": "x"}).status_code == 404
    edit = reverse("stats:proxy_value_edit", kwargs={"venue_slug": venue.slug, "pk": mine.pk})
    assert client.post(edit, {"name": "Hacked"}).status_code == 404
    # A manager of this venue cannot reach another venue's value through this venue's address.
    venue.managers.add(member)
    wrong = reverse("stats:proxy_value_edit", kwargs={"venue_slug": venue.slug, "pk": other.pk})
    assert client.get(wrong).status_code == 404
    mine.refresh_from_db()
    assert mine.name == "Value"


def test_a_manager_edits_and_removes_a_proxy_value_after_confirming(client, manager, venue):
    value = proxy(venue)
    client.force_login(manager)
    edit = reverse("stats:proxy_value_edit", kwargs={"venue_slug": venue.slug, "pk": value.pk})
    response = client.post(
        edit,
        {
            "name": "Renamed",
            "measure": "hiring",
            "amount": "10",
            "currency": "EUR",
            "source": "Study",
            "licence": "CC0",
        },
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.name, value.measure, value.amount, value.currency) == (
        "Renamed",
        "hiring",
        Decimal("10.00"),
        "EUR",
    )

    remove = reverse("stats:proxy_value_delete", kwargs={"venue_slug": venue.slug, "pk": value.pk})
    confirm = client.get(remove)
    assert confirm.status_code == 200 and "Remove Renamed?" in confirm.content.decode()
    assert ProxyValue.objects.filter(pk=value.pk).exists()  # asking changes nothing
    assert client.post(remove).status_code == 302
    assert not ProxyValue.objects.filter(pk=value.pk).exists()
