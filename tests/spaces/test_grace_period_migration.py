"""Migration spaces 0008 gives the desk pools that exist when it runs the 20-minute grace period a
new desk pool gets; rooms stay off."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("spaces", "0007_space_approval_deadline")]
AFTER = [("spaces", "0008_space_check_in_and_grace_period")]


@pytest.mark.django_db(transaction=True)
def test_existing_desk_pools_get_twenty_minutes_and_rooms_none():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    venue = old.get_model("spaces", "Venue").objects.create(
        name="Old Hall", slug="old-hall", time_zone="Europe/London"
    )
    Space = old.get_model("spaces", "Space")
    Space.objects.create(
        venue=venue, name="Desks", slug="desks", kind="desk_pool", capacity=8, seats=8
    )
    Space.objects.create(venue=venue, name="Room", slug="room", kind="meeting_room", capacity=8)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("spaces", "Space")
    minutes = {s.slug: s.grace_period for s in new.objects.all()}
    assert minutes["room"] is None
    assert minutes["desks"].total_seconds() == 20 * 60

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # leave the database as the tests expect
