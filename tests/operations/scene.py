"""Run in a fresh interpreter against a database of its own (see test_backups): `seed` sets a
scene; `fingerprint` prints everything a restore must give back, as JSON."""

import json
import sys
from datetime import UTC, date, datetime, timedelta

import django


def seed() -> None:
    from bookings.models import Booking
    from feeds.models import FeedToken
    from tests.factories import BookingFactory, MemberFactory, SpaceFactory, VenueFactory

    venue = VenueFactory(slug="backup-hall", publish_busy_times=True)
    spaces = [SpaceFactory(venue=venue, slug=f"room-{n}") for n in range(3)]
    booker = MemberFactory(email="kept@example.org")
    start = datetime(2027, 3, 1, 9, tzinfo=UTC)
    for day in range(40):  # across the spring clock change (28 March 2027)
        for n, space in enumerate(spaces):
            begins = start + timedelta(days=day, hours=n)
            BookingFactory(
                space=space,
                booker=booker,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=90),
                status=Booking.Status.CANCELLED if day % 7 == 3 else Booking.Status.CONFIRMED,
            )
    FeedToken.objects.create(owner=booker, scope=FeedToken.Scope.MEMBER, token="kept-token")


def fingerprint() -> dict:
    from django.test import Client

    from bookings.models import Booking
    from members.models import Member
    from spaces.models import Venue
    from stats.occupancy import compute_stats
    from stats.periods import Period

    venue = Venue.objects.get(slug="backup-hall")
    stats = compute_stats(venue, Period(date(2027, 3, 1), date(2027, 4, 30)))
    client = Client(HTTP_HOST="127.0.0.1")
    feeds = {
        url: client.get(url).headers.get("ETag")
        for url in ("/feeds/kept-token.ics", "/feeds/busy/backup-hall.ics")
    }
    return {
        "bookings": [
            {field: str(value) for field, value in row.items()}
            for row in Booking.objects.order_by("pk").values()
        ],
        "members": [[str(v) for v in row] for row in Member.objects.order_by("pk").values_list()],
        "stats": repr(stats),
        "feeds": feeds,
    }


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "seed":
        seed()
    else:
        print(json.dumps(fingerprint()))
