"""The cases about a space's time: its week of availability, its week page, and its feed (built
cold, after one booking changed, answered 304)."""

from typing import Any

from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from schedule.feeds import CalendarICalendar
from schedule.models import Calendar
from schedule.periods import Period

from bookings.availability import free_intervals
from bookings.models import Booking
from feeds import builders
from feeds.views import token_feed
from spaces.intervals import Interval

from .city import City
from .measure import Case, Runner

ACTIVE_HOLDS = """
SELECT starts_at, blocked_until FROM bookings_booking
WHERE space_id = %s AND status IN ('pending', 'confirmed') AND starts_at < %s AND blocked_until > %s
ORDER BY starts_at
"""


def _raw_holds(city: City) -> list[tuple]:
    start, end = city.week
    with connection.cursor() as cursor:
        cursor.execute(ACTIVE_HOLDS, [city.space.pk, end, start])
        return cursor.fetchall()


def week_availability(city: City) -> Case:
    space, (start, end) = city.space, city.week
    zone = space.venue.zone  # expanded in the venue's zone (its UTC default drifts at DST)

    def scheduler_week() -> list:
        # Its default path: the calendar's every event, expanded over the week (a Period of
        # exactly our week: its Week would start on its own first weekday).
        calendar = Calendar.objects.get(pk=space.calendar_id)
        return Period(calendar.events.all(), start, end, tzinfo=zone).get_occurrences()

    expected = len(_raw_holds(city))

    def agrees(occurrences: object) -> str:
        found = len(occurrences) if isinstance(occurrences, list) else -1
        return f"{found} occurrences, {expected} active bookings in the week"

    return Case(
        key="week",
        title="One space's week of availability",
        contender=Runner(
            "free_intervals", lambda: free_intervals(space, Interval(start, end), now=city.now)
        ),
        peer=Runner("django-scheduler Period", scheduler_week, check=agrees),
        floor=Runner("one SQL query", lambda: _raw_holds(city)),
        goal="≥ 20× faster than the peer, ≤ 3× the floor",
        faster_than_peer=20,
        within_floor=3,
    )


def week_page(city: City, client: Client) -> Case:
    space = city.space
    url = reverse(
        "bookings:space", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug}
    )
    bare = reverse("bench_bare", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug})

    def ok(response: object) -> str:
        return "" if getattr(response, "status_code", 0) == 200 else f"status {response}"

    return Case(
        key="page",
        title="A space's week page (signed in)",
        contender=Runner(
            "space page", lambda: client.get(url, {"week": city.monday.isoformat()}), check=ok
        ),
        floor=Runner("bare view", lambda: client.get(bare), check=ok),
        goal="≤ 10× the floor",
        within_floor=10,
    )


def empty_feed_caches() -> None:
    """Every cache a feed reads: the in-process event cache and the shared cache."""
    builders._event_cache.clear()  # by name: if it moves, this fails rather than measure warm
    builders.forget_feed_summaries()
    for cache in caches.all(initialized_only=True):
        cache.clear()


def _scheduler_feed(city: City):
    factory = RequestFactory()
    feed = CalendarICalendar()
    calendar_id = str(city.pool.calendar_id)
    # schedule.urls would route ical/calendar/<id>/ here; called directly, its urls left out.
    return lambda: feed(factory.get(f"/ical/calendar/{calendar_id}/"), calendar_id)


def _events(response: object) -> int:
    return getattr(response, "content", b"").count(b"BEGIN:VEVENT")


def feed_cold(city: City) -> Case:
    factory = RequestFactory()
    url = f"/feeds/{city.token.token}.ics"
    window = builders.feed_window(timezone.now())
    in_window = Booking.objects.filter(
        space=city.pool, starts_at__lt=window.end, ends_at__gt=window.start
    ).count()

    def contender_events(response: object) -> str:
        return f"{_events(response)} events ({in_window} bookings meet the window)"

    def peer_events(response: object) -> str:
        return f"{_events(response)} events (every event of the calendar)"

    return Case(
        key="feed_cold",
        title="A desk pool's feed, every cache empty",
        contender=Runner(
            "space feed",
            lambda: token_feed(factory.get(url), city.token.token),
            prepare=empty_feed_caches,
            check=contender_events,
        ),
        peer=Runner("django-scheduler feed", _scheduler_feed(city), check=peer_events),
        goal="no slower than the peer, and correct",
        faster_than_peer=1,
    )


def feed_after_change(city: City) -> Case:
    factory = RequestFactory()
    url = f"/feeds/{city.token.token}.ics"
    window = builders.feed_window(timezone.now())
    changeable = list(
        Booking.objects.filter(
            space=city.pool, starts_at__gte=timezone.now(), starts_at__lt=window.end
        )
        .order_by("starts_at")
        .values_list("pk", flat=True)[:50]
    )
    state: dict[str, Any] = {"etag": "", "turn": 0}

    def change_one() -> None:
        """A client holds the current feed; then one booking changes (as an edit would)."""
        response = token_feed(factory.get(url), city.token.token)
        state["etag"] = response["ETag"]
        pk = changeable[state["turn"] % len(changeable)]
        state["turn"] += 1
        Booking.objects.filter(pk=pk).update(
            title=f"Changed {state['turn']}", sequence=F("sequence") + 1, updated_at=timezone.now()
        )

    def refetch():
        return token_feed(factory.get(url, HTTP_IF_NONE_MATCH=state["etag"]), city.token.token)

    def rebuilt(response: object) -> str:
        return "" if getattr(response, "status_code", 0) == 200 else "not rebuilt"

    return Case(
        key="feed_changed",
        title="The same feed right after one booking changed",
        contender=Runner("space feed", refetch, prepare=change_one, check=rebuilt),
        peer=Runner("django-scheduler feed", _scheduler_feed(city)),
        goal="≥ 10× faster than the peer",
        faster_than_peer=10,
    )


def feed_not_modified(city: City, client: Client) -> Case:
    url = reverse("feeds:token_feed", kwargs={"token": city.token.token})
    space = city.space
    bare = reverse("bench_bare", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug})
    state = {"etag": ""}

    def current() -> None:
        if not state["etag"]:
            state["etag"] = client.get(url)["ETag"]

    def not_modified(response: object) -> str:
        code = getattr(response, "status_code", 0)
        return "" if code == 304 else f"status {code}, not 304"

    return Case(
        key="feed_304",
        title="A feed answered 304 (If-None-Match)",
        contender=Runner(
            "space feed",
            lambda: client.get(url, HTTP_IF_NONE_MATCH=state["etag"]),
            prepare=current,
            check=not_modified,
        ),
        floor=Runner("bare view", lambda: client.get(bare)),
        goal="≤ 2× the floor",
        within_floor=2,
    )
