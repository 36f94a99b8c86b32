"""The booking form reads what the browser's pickers send (ISO dates, HH:MM) first, and still
reads a date or time typed by hand in the site's language (en-GB: day first) or with seconds;
the activity list is offered and checked as before."""

from datetime import UTC, datetime

import pytest

from bookings.models import Booking
from tests.web.test_book import BOOK, form_data

pytestmark = pytest.mark.django_db

TUESDAY_TEN = datetime(2027, 1, 5, 10, tzinfo=UTC)  # London is on UTC in January


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        ("2027-01-05", "10:00", "11:00"),  # the pickers
        ("05/01/2027", "10:00", "11:00"),  # typed the British way: 5 January
        ("2027-01-05", "10:00:00", "11:00:00"),  # a picker with seconds
    ],
)
def test_picked_and_typed_times_book_the_same_hour(member_client, room, day, start, end):
    response = member_client.post(BOOK, form_data(date=day, start_time=start, end_time=end))
    assert response.status_code == 302
    booking = Booking.objects.get(space=room)
    assert (booking.starts_at, booking.ends_at) == (TUESDAY_TEN, TUESDAY_TEN.replace(hour=11))


def test_a_date_that_is_no_date_is_a_form_error_and_books_nothing(member_client, room):
    response = member_client.post(BOOK, form_data(date="31/02/2027"))
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_activity_list_is_offered_and_checked(member_client, room):
    page = member_client.get(BOOK).content.decode()
    assert '<option value="" selected>Not saying</option>' in page
    for value, _label in Booking.Activity.choices:
        assert f'<option value="{value}"' in page
    refused = member_client.post(BOOK, form_data(activity="juggling"))
    assert refused.status_code == 200
    assert "Select a valid choice." in refused.content.decode()
    value = Booking.Activity.choices[0][0]
    assert member_client.post(BOOK, form_data(activity=value)).status_code == 302
    assert Booking.objects.get(space=room).activity == value
