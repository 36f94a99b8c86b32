"""`manage.py bench` end to end at a tiny scale: it seeds, measures every case, and writes a table
with numeric ratios into the Markdown file, keeping the text around it."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bookings.models import Booking
from tests.factories import VenueFactory
from tests.operations.test_bench import TINY

RATIO = re.compile(r"\*\*(\d+\.\d)× (faster|slower|the floor)\*\*|\*\*1/(\d+\.\d) of its rate\*\*")


def test_the_bench_command_measures_every_case_and_writes_a_table_of_ratios(
    db, frozen_now, tmp_path, capsys
):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nText kept around the table.\n")
    call_command(
        "bench",
        bookings=TINY.bookings,
        spaces=TINY.spaces,
        venues=TINY.venues,
        members=TINY.members,
        repeat=1,
        output=str(output),
    )
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nText kept around the table.\n")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    titles = [row.split(" | ")[0].removeprefix("| ") for row in rows[1:]]
    assert titles == [
        "One space's week of availability",
        "A space's week page (signed in)",
        "A desk pool's feed, every cache empty",
        "The same feed right after one booking changed",
        "A feed answered 304 (If-None-Match)",
        f"A venue's year of stats ({frozen_now.year - 1}, 3 spaces)",
        "Booking creation over HTTP (signed in, the Book step)",
    ]
    for row in rows[1:]:
        ratios = RATIO.findall(row)
        assert ratios, row
        assert all(float(number or rate) > 0 for number, _word, rate in ratios), row
    assert "0 overlapping active bookings" in text
    assert "Where the contenders' time goes" in text
    assert not Booking.objects.filter(title__startswith="Bench:").exists()  # cleaned up
    assert "Measuring" in capsys.readouterr().out


def test_the_bench_command_refuses_a_database_with_venues_of_its_own(db, tmp_path):
    VenueFactory(name="St Luke's", slug="st-lukes")
    with pytest.raises(CommandError, match="database of its own"):
        call_command("bench", bookings=10, repeat=1, output="-")
    assert not Booking.objects.exists()
