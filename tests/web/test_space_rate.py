"""A space's full rate, set by its venue's managers (and staff in the admin): pounds and pence,
never negative; bad input is a form error and changes nothing."""

from decimal import Decimal

import pytest

from spaces.models import Space
from tests.bookings.test_space_admin import form_data as admin_form_data
from tests.web.test_manage_venue_pages import BASE, space_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_a_manager_sets_a_rooms_rate(signed_in, room):
    data = space_data(name=room.name, slug=room.slug, capacity="6", rate="12.50")
    assert signed_in.post(f"{BASE}/spaces/{room.slug}/", data).status_code == 302
    assert Space.objects.get(pk=room.pk).rate == Decimal("12.50")


def test_the_space_form_shows_the_rate_field(signed_in, room):
    page = signed_in.get(f"{BASE}/spaces/{room.slug}/").content.decode()
    assert 'name="rate"' in page and "Per hour; for a desk pool, per desk-day." in page


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("12.505", "Ensure that there are no more than 2 decimal places."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("twelve", "Enter a number."),
    ],
)
def test_a_bad_rate_is_a_form_error_and_changes_nothing(signed_in, room, rate, message):
    data = space_data(name="Renamed", slug=room.slug, capacity="6", rate=rate)
    page = signed_in.post(f"{BASE}/spaces/{room.slug}/", data)
    assert page.status_code == 400
    assert page.context["form"].errors["rate"] == [message]
    room.refresh_from_db()
    assert (room.rate, room.name) == (Decimal(0), "Meeting room")


def test_the_admin_refuses_three_decimals_too(frozen_now, room, admin_client):
    url = f"/admin/spaces/space/{room.pk}/change/"
    page = admin_client.post(url, admin_form_data(room, rate="1.999"))
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["rate"] == [
        "Ensure that there are no more than 2 decimal places."
    ]
    assert admin_client.post(url, admin_form_data(room, rate="9.99")).status_code == 302
    room.refresh_from_db()
    assert room.rate == Decimal("9.99")
