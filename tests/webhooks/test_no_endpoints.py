"""After every booking's commit the venue's endpoints are asked for: a venue with none costs one
indexed EXISTS and records nothing; an endpoint of the venue, and only of the venue, is found,
however recently it was added (nothing is kept between events)."""

from datetime import UTC, datetime

from bookings.events import CREATED, KINDS
from tests.factories import BookingFactory, VenueFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import record_event

AT = datetime(2027, 1, 5, 9, tzinfo=UTC)


def _record(booking):
    return record_event(
        kind=CREATED,
        occurred_at=AT,
        venue_id=booking.space.venue_id,
        booking_id=booking.pk,
        detail={},
    )


def test_a_venue_without_endpoints_costs_one_query_and_records_nothing(
    room, django_assert_num_queries
):
    booking = BookingFactory(space=room)
    with django_assert_num_queries(1):
        assert _record(booking) == []
    assert not WebhookDelivery.objects.exists()


def test_another_venues_endpoint_is_not_this_venues(room, manager):
    WebhookEndpoint.objects.create(
        venue=VenueFactory(name="Elsewhere", slug="elsewhere"),
        url="https://hooks.example.org/x",
        events=list(KINDS),
        created_by=manager,
    )
    assert _record(BookingFactory(space=room)) == []


def test_an_endpoint_added_since_the_last_event_gets_the_next(room, venue, manager):
    booking = BookingFactory(space=room)
    assert _record(booking) == []
    endpoint = WebhookEndpoint.objects.create(
        venue=venue, url="https://hooks.example.org/x", events=list(KINDS), created_by=manager
    )
    (delivery,) = _record(booking)
    assert (delivery.endpoint, delivery.kind) == (endpoint, CREATED)
