"""Schemathesis against the API's own schema, in the process (WSGI): for every operation, a few
generated requests, anonymous and with a member's token. No answer may be a 500, and every
answer must match what the schema says it returns.

Bounded for CI: few examples per operation, derandomised (the same cases every run), no
deadline; the whole module runs in well under two minutes.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.tokens import create_api_token
from config.wsgi import application
from tests.factories import BookingFactory, MemberFactory, SpaceFactory, VenueFactory

BOUNDED = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance]


def _schema() -> dict:
    # Generated without a request, so collecting the tests needs no database.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, cls=DjangoJSONEncoder))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application


@pytest.fixture
def in_the_test_transaction():
    """The WSGI app fires request_started/finished, whose close_old_connections would close
    the test's connection mid-transaction (on PostgreSQL); Django's own test client
    disconnects it the same way while it runs a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def scene(db, settings, in_the_test_transaction):
    """Something for the generated requests to find, and no rate limit to trip."""
    settings.API_RATE_ANONYMOUS = settings.API_RATE_MEMBER = "1000000/min"
    venue = VenueFactory(slug="alpha", publish_impact=True)
    space = SpaceFactory(venue=venue)
    member = MemberFactory()
    BookingFactory(space=space, booker=member, starts_at=datetime.now(UTC) + timedelta(days=2))
    _token, secret = create_api_token(owner=member, name="Schemathesis")
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@BOUNDED
def test_anonymous_requests_never_fail_and_match_the_schema(case, scene):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_a_members_requests_never_fail_and_match_the_schema(case, scene):
    case.call_and_validate(headers=scene, checks=CHECKS)
