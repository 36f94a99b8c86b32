"""The demo, loaded once per date for the whole package."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

# Loading the demo costs a couple of seconds, so the package loads it once per date inside a
# transaction that is rolled back afterwards; every test runs in a savepoint inside it.
LOAD_DATES = {
    # The six past months then run over both clock changes (25 Oct 2026 and 28 Mar 2027).
    "spanning-both-dst-changes": datetime(2027, 4, 10, 7, 45, tzinfo=UTC),
    "summer-evening": datetime(2026, 7, 3, 19, 10, tzinfo=UTC),
}


@pytest.fixture(scope="package", params=list(LOAD_DATES), ids=list(LOAD_DATES))
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(LOAD_DATES[request.param], tick=False):
            call_command("load_demo", stdout=StringIO())
        yield LOAD_DATES[request.param]
        transaction.set_rollback(True)
