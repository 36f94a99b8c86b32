"""How the benchmark city is laid out: one description, read by both seeders (PostgreSQL's SQL and
SQLite's Python), so the two build the same shape of data.

Bookings never overlap by construction: each space (each seat, a *lane*, of a desk pool) has a
fixed table of daily slots with at least 30 minutes between them, so a room's buffer fits and a
desk pool holds at most one booking per seat at any instant. Which slots are booked is a weighted
sample without replacement (Efraimidis–Spirakis: the N smallest keys -ln(u)/w), so busy hours,
weekdays and the later months get more bookings, and the total is exactly the N asked for.
Everything random comes from a hash of the slot, never from `n % k`: every space gets every status.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import time

# (starts, ends, weight): a room's day. Gaps of 30 minutes leave room for a buffer of up to 30.
ROOM_SLOTS = (
    (time(8), time(9, 30), 0.55),
    (time(10), time(12), 1.0),
    (time(12, 30), time(14), 0.7),
    (time(14, 30), time(16, 30), 0.8),
    (time(17), time(18, 30), 0.85),
    (time(19), time(21), 1.0),
)
# A desk pool's day, per seat: morning, afternoon, evening.
POOL_SLOTS = (
    (time(8, 30), time(12, 30), 1.0),
    (time(13), time(17), 0.9),
    (time(17, 30), time(20, 30), 0.3),
)
# Monday to Sunday.
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 0.95, 0.85, 0.55, 0.35)
# Use grows over the three years: the first day weighs GROWTH_FROM, the last 1.
GROWTH_FROM = 0.45
# Opening hours (weekday, opens, closes); Sunday only at every third venue.
WEEKDAY_HOURS = (time(8), time(21))
SATURDAY_HOURS = (time(9), time(17))
SUNDAY_HOURS = (time(10), time(16))
# Closed all day (an opening hours exception without times), every year.
CLOSED_DATES = ((12, 25), (12, 26), (1, 1))
DAYS_BEFORE_TODAY = 1000
DAYS_AFTER_TODAY = 95  # within the spaces' 90-day horizon and a little beyond

ROOM_KINDS = ("meeting_room", "hall", "studio", "workshop", "kitchen", "meeting_room")
TITLES = (
    "Team meeting",
    "Choir rehearsal",
    "Food bank sorting",
    "Chair yoga",
    "Homework club",
    "Trustees' meeting",
    "Coding workshop",
    "Parent and toddler group",
    "Advice surgery",
    "Desk",
)
PURPOSE = "Regular session for members of the group; tea and coffee, doors open ten minutes before."

# Status thresholds out of 1,000, past and future (a request still pending is in the future).
PAST_STATUSES = ((880, "confirmed"), (950, "cancelled"), (980, "declined"), (1000, "no_show"))
FUTURE_STATUSES = ((830, "confirmed"), (920, "pending"), (1000, "cancelled"))


@dataclass(frozen=True)
class Scale:
    """The size of the city to build."""

    bookings: int = 1_000_000
    spaces: int = 300
    venues: int = 50
    members: int = 5_000

    @property
    def organisations(self) -> int:
        return max(1, self.members // 12)


def space_key(space) -> str:
    """What the seeders hash a space by: its venue's slug and its own ("bench-venue-3/room-2"),
    fixed by the layout, where its id is whatever the database handed out."""
    return f"{space.venue.slug}/{space.slug}"


def unit(*parts: object) -> float:
    """A number in (0, 1) fixed by `parts`: the seeders' only source of chance."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") % 2**47 + 0.5) / 2**47


def sample_key(u: float, weight: float) -> float:
    """Efraimidis–Spirakis: the N smallest keys are a weighted sample without replacement."""
    return -math.log(u) / weight


def status_for(u1000: int, *, past: bool) -> str:
    for bound, status in PAST_STATUSES if past else FUTURE_STATUSES:
        if u1000 < bound:
            return status
    raise AssertionError("thresholds end at 1000")


def seats_of(space_index: int) -> int:
    """The first space of each venue is a desk pool of 6 to 20 seats; the others are rooms."""
    return 6 + int(unit("seats", space_index) * 15)
