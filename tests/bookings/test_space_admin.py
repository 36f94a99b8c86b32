"""The Space admin saves through bookings.services.save_space: the seat rule shows as a field error
and nothing changes; an allowed change moves future bookings to the right guard."""

from datetime import UTC, datetime, timedelta

import pytest
from django.forms.models import model_to_dict

from bookings.models import Booking
from spaces.models import Space
from tests.factories import BookingFactory, DeskPoolFactory

pytestmark = pytest.mark.django_db

# frozen_now comes before admin_client in each test: a session made before the clock is moved
# to 2027 would have expired there.


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


def form_data(space: Space, **changes) -> dict:
    data = {
        key: value
        for key, value in model_to_dict(space).items()
        if value is not None and key not in {"id", "calendar"}
    }
    for key, value in list(data.items()):
        if isinstance(value, timedelta):
            data[key] = str(value)
        elif isinstance(value, bool) and not value:
            del data[key]  # an unticked checkbox is absent
    data.update(changes)
    return data


@pytest.fixture
def pool(venue, frozen_now):
    desks = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=3)
    BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 11))
    BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 12))
    return desks


def test_too_few_seats_are_refused_on_the_seats_field_and_nothing_changes(
    frozen_now, pool, admin_client
):
    url = f"/admin/spaces/space/{pool.pk}/change/"
    response = admin_client.post(url, form_data(pool, seats=1, name="Renamed"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["seats"] == [
        "2 bookings hold a seat at the same time on 5 January 2027, 10:00: cancel or move some"
        " of them before reducing the seats to 1."
    ]
    pool.refresh_from_db()
    assert (pool.seats, pool.name) == (3, "Hot desks")


def test_an_allowed_change_is_saved_and_the_bookings_follow(frozen_now, venue, admin_client):
    desks = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=3)
    future = BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 11))
    url = f"/admin/spaces/space/{desks.pk}/change/"
    response = admin_client.post(url, form_data(desks, seats=1))
    assert response.status_code == 302, response.context["adminform"].form.errors
    desks.refresh_from_db()
    future.refresh_from_db()
    assert desks.seats == 1
    assert future.exclusive
    assert Booking.objects.filter(space=desks).count() == 1


def test_the_venue_page_lists_spaces_without_editing_their_seats(frozen_now, pool, admin_client):
    page = admin_client.get(f"/admin/spaces/venue/{pool.venue_id}/change/")
    assert page.status_code == 200
    assert b'name="spaces-0-seats"' not in page.content
