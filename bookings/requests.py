"""The managers' requests: what each pending request needs beside it to be decided (the
requester's history at the venue, the other requests it clashes with), and deciding several at
once. The page is bookings/views/requests.py.

Read in a fixed number of queries whatever the number of requests: the pending requests (one
query, with their space, venue, booker, organisation and series), the histories (one grouped
count), and the clashes, found in Python among the requests already read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member
from spaces.models import Space, Venue

from .models import Booking
from .rules import BookingError
from .series import decide_series, one_per_series, pending_of
from .services import approve_booking, decline_booking

# A requester's history is what they booked at the venue that started in this long before now.
HISTORY_PERIOD = dt.timedelta(days=365)


@dataclass(frozen=True)
class History:
    """A requester's bookings at one venue that started in the last HISTORY_PERIOD."""

    confirmed: int = 0
    cancelled: int = 0  # cancelled by the requester themselves, not by a manager or a closure
    declined: int = 0  # by a manager, or expired undecided (bookings.expiry)
    # The hook for check-in (docs/design.md, "Check-in and no-shows"): None means "not
    # recorded", which the page leaves unsaid, never a zero.
    no_shows: int | None = None


def pending_requests(
    member: Member, *, venue: Venue | None = None, space: Space | None = None, now: dt.datetime
) -> list[Booking]:
    """The pending requests of the venues `member` manages (optionally one venue or one space),
    a series once (its first waiting date, bookings.series.one_per_series), each carrying what
    the page shows: `history` (History), `clashes` (the other requests it clashes with),
    `can_approve`."""
    waiting = Booking.objects.managed_by(member).filter(status=Booking.Status.PENDING)
    if venue is not None:
        waiting = waiting.filter(space__venue=venue)
    if space is not None:
        waiting = waiting.filter(space=space)
    rows = list(waiting.select_related("space__venue", "booker", "organisation", "series"))
    clashes = clashes_among(rows)
    dates_of: dict[int, list[Booking]] = defaultdict(list)
    for booking in rows:
        if booking.series_id is not None:
            dates_of[booking.series_id].append(booking)
    shown = one_per_series(rows)
    histories = histories_of(shown, now=now)
    for booking in shown:
        dates = dates_of[booking.series_id] if booking.series_id is not None else [booking]
        others = {
            other.pk: other
            for date in dates
            for other in clashes.get(date.pk, [])
            if other.series_id is None or other.series_id != booking.series_id
        }
        # Answers of this page, not fields of the model, read by RequestsTable's columns.
        answers = {
            "history": histories.get((booking.booker_id, booking.space.venue_id), History()),
            "clashes": sorted(others.values(), key=lambda other: other.starts_at),
            "can_approve": permissions.approvable_among_managed(booking, now=now),
        }
        for name, value in answers.items():
            setattr(booking, name, value)
    return shown


def clashes_among(requests: Iterable[Booking]) -> dict[int, list[Booking]]:
    """For each request, the other requests of the same exclusive space whose held time
    (`[starts_at, blocked_until)`) overlaps its own. While both wait, each holds its time, so
    neither can be approved (approve_booking finds the other): one has to be declined first.

    The services never let two such requests exist (a pending request holds its slot, and on
    PostgreSQL the exclusion constraint refuses the pair), so this finds only rows written some
    other way; in a desk pool requests never clash with each other, since each already holds
    its desk and approving it takes nothing more."""
    by_space: dict[int, list[Booking]] = defaultdict(list)
    for booking in requests:
        if booking.exclusive:
            by_space[booking.space_id].append(booking)
    found: dict[int, list[Booking]] = defaultdict(list)
    for bookings in by_space.values():
        bookings.sort(key=lambda booking: booking.starts_at)
        for index, booking in enumerate(bookings):
            for later in bookings[index + 1 :]:
                if later.starts_at >= booking.blocked_until:
                    # Sorted by start, so only a longer earlier booking could still reach a
                    # later one: keep looking instead of stopping here.
                    continue
                found[booking.pk].append(later)
                found[later.pk].append(booking)
    return found


def histories_of(
    requests: Iterable[Booking], *, now: dt.datetime
) -> dict[tuple[int, int], History]:
    """The History of each (booker, venue) of `requests`, in one grouped query."""
    requests = list(requests)
    if not requests:
        return {}
    bookers = {booking.booker_id for booking in requests}
    venues = {booking.space.venue_id for booking in requests}
    rows = (
        Booking.objects.filter(
            booker_id__in=bookers,
            space__venue_id__in=venues,
            starts_at__gte=now - HISTORY_PERIOD,
            starts_at__lt=now,
        )
        .order_by()
        .values("booker_id", "space__venue_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status=Booking.Status.CONFIRMED)),
            cancelled=Count(
                "pk", filter=Q(status=Booking.Status.CANCELLED, cancelled_by=F("booker"))
            ),
            declined=Count("pk", filter=Q(status=Booking.Status.DECLINED)),
        )
    )
    return {
        (row["booker_id"], row["space__venue_id"]): History(
            confirmed=row["confirmed"], cancelled=row["cancelled"], declined=row["declined"]
        )
        for row in rows
    }


@dataclass(frozen=True)
class Decided:
    """What became of one chosen request: `done`, or refused with `message`."""

    booking: Booking
    done: bool
    message: str = ""
    dates: int = 1  # the dates a series decision covered


def decide_requests(
    *,
    by: Member,
    chosen: Iterable[int],
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> list[Decided]:
    """Approve the chosen requests, or decline them with `reason`, each on its own through
    approve_booking / decline_booking (each its own transaction: a refused one, e.g. a clash or
    a closure since, changes nothing and does not stop the others). A chosen date of a series
    stands for the whole series, decided at once (bookings.series.decide_series: all its waiting
    dates or none). Raises BookingError, deciding nothing, for an empty choice, a decline
    without a reason, or an id that is not a request of a venue `by` manages."""
    now = now or timezone.now()
    ids = set(chosen)
    if not ids:
        raise BookingError(_("Choose at least one request."), field="selected")
    if not approve and not reason.strip():
        raise BookingError(
            _("Say why the requests are declined; the bookers will read it."), field="reason"
        )
    found = {
        booking.pk: booking
        for booking in Booking.objects.managed_by(by)
        .filter(pk__in=ids)
        .select_related("space__venue", "booker", "series")
    }
    if ids - found.keys():
        raise BookingError(
            _(
                "One of the chosen requests is not at a venue you manage, or no longer exists; "
                "nothing was decided."
            ),
            field="selected",
        )
    results: list[Decided] = []
    series_seen: set[int] = set()
    for booking in sorted(found.values(), key=lambda booking: booking.starts_at):
        if booking.series_id is not None:
            if booking.series_id in series_seen:
                continue
            series_seen.add(booking.series_id)
        try:
            dates = _decide_one(booking, by=by, approve=approve, reason=reason, now=now)
        except BookingError as error:
            results.append(Decided(booking=booking, done=False, message=error.message))
        else:
            results.append(Decided(booking=booking, done=True, dates=dates))
    return results


def _decide_one(
    booking: Booking, *, by: Member, approve: bool, reason: str, now: dt.datetime
) -> int:
    """Decide one request (or its whole series); the number of dates decided."""
    if booking.series is None:
        if approve:
            approve_booking(booking=booking, by=by, now=now)
        else:
            decline_booking(booking=booking, by=by, reason=reason, now=now)
        return 1
    waiting = [date.pk for date in pending_of(booking.series)] if approve else []
    approved, declined = decide_series(
        series=booking.series, by=by, approve=waiting, reason=reason, now=now
    )
    return len(approved) + len(declined)
