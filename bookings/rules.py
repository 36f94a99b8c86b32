"""The rules a booking must meet on its own: the space's limits, opening hours and closures, and
whether its time is still free. Each failure is a BookingError with a sentence a member can read.

`check_free` looks at other bookings, so the services call it with the space row locked.
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members import permissions
from members.models import Member, Organisation
from spaces.intervals import Interval
from spaces.models import Space
from spaces.open_hours import KnownOpen, closed_times, known_for, venue_opening

from .availability import Known, full_intervals, holds_reach, seats_taken
from .models import Booking


class BookingError(Exception):
    """A booking rule said no. `message` is shown to the member as is; `field` names the form field, if any.

    `code` is stable for programs (the API): "clash" when the time is already held (other times
    may then be offered), else "refused".
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def _local(space: Space, instant: datetime) -> str:
    return date_format(instant.astimezone(space.venue.zone), "D j M Y H:i")


def _minutes(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def _days(duration: timedelta) -> str:
    """A horizon in words: '30 days', '1 day and 3 h', or '12 h' when under a day."""
    rest = duration - timedelta(days=duration.days)
    if not duration.days:
        return _minutes(duration)
    days = ngettext("%(days)d day", "%(days)d days", duration.days) % {"days": duration.days}
    if not rest:
        return days
    return _("%(days)s and %(rest)s") % {"days": days, "rest": _minutes(rest)}


def _clock_change_note(space: Space, starts_at: datetime, ends_at: datetime) -> str:
    """A second sentence when the clocks change during [starts_at, ends_at), so the wall clock misleads."""
    zone = space.venue.zone
    wall = ends_at.astimezone(zone).replace(tzinfo=None) - starts_at.astimezone(zone).replace(
        tzinfo=None
    )
    if wall == ends_at - starts_at:
        return ""
    return " " + _("The clocks change during that time, so it lasts %(real)s.") % {
        "real": _minutes(ends_at - starts_at)
    }


def check_attendees(*, space: Space, attendees: int) -> None:
    """Raise BookingError unless `attendees` people fit one booking of `space`."""
    if attendees < 1:
        raise BookingError(_("A booking needs at least one attendee."), field="attendees")
    if space.is_desk_pool and attendees > 1:
        # One booking holds one seat: more people would overfill the pool while counting as one.
        raise BookingError(
            _("A booking of %(space)s is for one desk and one person; each person books their own.")
            % {"space": space.name},
            field="attendees",
        )
    if attendees > space.capacity:
        raise BookingError(
            _("%(space)s holds at most %(capacity)d people.")
            % {"space": space.name, "capacity": space.capacity},
            field="attendees",
        )


def check_who(
    *,
    booker: Member,
    space: Space,
    organisation: Organisation | None,
    made_by: Member | None,
    waive_notice_and_horizon: bool,
) -> bool:
    """Refuse (BookingError) a booking `made_by` someone other than the booker who does not
    manage the space's venue, a waiver by anyone else, or an organisation the booker may not
    book for; otherwise say whether a manager of the venue made it."""
    on_behalf = made_by is not None and made_by.pk != booker.pk
    manager_made = made_by is not None and permissions.may_manage(made_by, space.venue)
    if on_behalf and not manager_made:
        raise BookingError(
            _("Only a manager of %(venue)s can book on someone else's behalf.")
            % {"venue": space.venue.name}
        )
    if waive_notice_and_horizon and not manager_made:
        raise BookingError(_("Only a venue manager can waive the notice and how far ahead."))
    if organisation is not None and not permissions.may_book_for(booker, organisation):
        if on_behalf:
            raise BookingError(
                _("%(member)s does not belong to %(organisation)s.")
                % {"member": booker, "organisation": organisation.name},
                field="organisation",
            )
        raise BookingError(
            _("You can only book for an organisation you belong to."), field="organisation"
        )
    return manager_made


def hours_window(starts_at: datetime, ends_at: datetime) -> Interval:
    """The opening hours and closures check_rules reads around a booking: a day either side."""
    return Interval(starts_at - timedelta(days=1), ends_at + timedelta(days=1))


def free_window(space: Space, starts_at: datetime, ends_at: datetime) -> Interval:
    """The holds check_free reads for a booking of `space` (with the space's own buffer)."""
    buffer = space.buffer_after
    return holds_reach(Interval(starts_at, ends_at + buffer), buffer)


def check_rules(
    *,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    attendees: int,
    now: datetime,
    notice_and_horizon: bool = True,
    horizon: timedelta | None = None,
    known: KnownOpen | None = None,
) -> None:
    """Raise BookingError unless [starts_at, ends_at) fits the space's own rules, hours and closures.

    With `notice_and_horizon=False` (a manager deciding an earlier request) the minimum notice and
    the horizon are not measured again: they were the member's to meet when asking. Overlap with
    other bookings is not checked here: that needs the space locked (see request_booking).
    `horizon` replaces the space's own (a plan's booking window, for its holders). The hours and
    closures are read from `known` when given and covering the time (many dates at once).
    """
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Booking times must be aware datetimes")
    if not space.is_active:
        raise BookingError(
            _("%(space)s is not taking bookings at the moment.") % {"space": space.name}
        )
    if ends_at <= starts_at:
        raise BookingError(_("The booking must end after it starts."), field="ends_at")
    # Durations are real elapsed time, not wall-clock differences: on the night the clocks go back
    # 00:00–03:00 lasts four hours, and the space is held (and counted against limits) for four.
    duration = ends_at - starts_at
    if duration < space.min_duration:
        raise BookingError(
            _("%(space)s can be booked for at least %(min)s.")
            % {"space": space.name, "min": _minutes(space.min_duration)}
            + _clock_change_note(space, starts_at, ends_at),
            field="ends_at",
        )
    if duration > space.max_duration:
        raise BookingError(
            _("%(space)s can be booked for at most %(max)s at a time.")
            % {"space": space.name, "max": _minutes(space.max_duration)}
            + _clock_change_note(space, starts_at, ends_at),
            field="ends_at",
        )
    local_start = starts_at.astimezone(space.venue.zone)
    since_midnight = timedelta(
        hours=local_start.hour, minutes=local_start.minute, seconds=local_start.second
    )
    if since_midnight % space.slot_step or local_start.microsecond or duration % space.slot_step:
        raise BookingError(
            _("Bookings of %(space)s start and end on %(step)s steps (e.g. 10:00, 10:30).")
            % {"space": space.name, "step": _minutes(space.slot_step)},
            field="starts_at",
        )
    check_attendees(space=space, attendees=attendees)
    if notice_and_horizon and starts_at < now + space.min_notice:
        if starts_at < now:
            raise BookingError(_("That time has already passed."), field="starts_at")
        raise BookingError(
            _("%(space)s needs %(notice)s notice: book a later time.")
            % {"space": space.name, "notice": _days(space.min_notice)},
            field="starts_at",
        )
    ahead = space.horizon if horizon is None else horizon
    if notice_and_horizon and ends_at > now + ahead:
        raise BookingError(
            _("%(space)s can be booked up to %(ahead)s ahead.")
            % {"space": space.name, "ahead": _days(ahead)},
            field="starts_at",
        )
    wanted = Interval(starts_at, ends_at)
    around = hours_window(starts_at, ends_at)
    if known is None or not known.covers(around):
        known = known_for(space, around)  # the hours and closures both, in one query
    if not any(interval.contains(wanted) for interval in venue_opening(space.venue, around, known)):
        raise BookingError(
            _("%(venue)s is not open for all of that time. Pick a time within its opening hours.")
            % {"venue": space.venue.name},
            field="starts_at",
        )
    for blocked in closed_times(space, wanted, known):
        raise BookingError(
            _("%(space)s is closed then (%(reason)s) until %(until)s.")
            % {
                "space": space.name,
                "reason": blocked.reason,
                "until": _local(space, blocked.interval.end),
            },
            field="starts_at",
        )


def check_free(
    *,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking_id: int | None = None,
    buffer: timedelta | None = None,
    known: Known | None = None,
) -> None:
    """Raise BookingError if the slot, with its buffer (the space's, unless given), is already held.

    Call with the space locked; `known` (prefetched after taking the lock) saves the query.
    """
    buffer = space.buffer_after if buffer is None else buffer
    clash = full_intervals(
        space,
        Interval(starts_at, ends_at + buffer),
        buffer=buffer,
        exclude_booking_id=exclude_booking_id,
        known=known,
    )
    if any(interval.overlaps(Interval(starts_at, ends_at)) for interval in clash):
        if space.is_desk_pool:
            raise BookingError(
                _(
                    "All %(seats)d desks of %(space)s are taken for some of that time. Try another time."
                )
                % {"seats": space.seats, "space": space.name},
                code="clash",
            )
        raise BookingError(
            _("%(space)s is already booked then. Try another time.") % {"space": space.name},
            code="clash",
        )


def check_approvable(
    *, booking: Booking, space: Space, now: datetime, known: Known | None = None
) -> None:
    """Raise BookingError unless the pending `booking` may be confirmed now, `space` (its space)
    locked: it has not started, and it still fits the space's rules, hours and closures and the
    time held by others, with the buffer it already holds. The notice and horizon are not measured
    again: they were the member's to meet when asking. `known` (bookings.batch) must leave out
    the booking's own hold."""
    if booking.starts_at <= now:
        raise BookingError(_("This request's start has passed; it can only be declined."))
    try:
        check_rules(
            space=space,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            attendees=booking.attendees,
            now=now,
            notice_and_horizon=False,
            known=known.open if known is not None else None,
        )
        check_free(
            space=space,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            exclude_booking_id=None if known is not None else booking.pk,
            buffer=booking.blocked_until - booking.ends_at,
            known=known,
        )
    except BookingError as exc:
        raise BookingError(
            _("This request can no longer be approved. %(why)s Decline it to tell the booker.")
            % {"why": exc.message}
        ) from exc


def check_one_seat_each(
    *,
    space: Space,
    booker: Member,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking_id: int | None = None,
    for_themselves: bool = True,
) -> None:
    """Raise BookingError if `booker` already holds a seat of desk pool `space` during
    [starts_at, ends_at) and the pool gives one seat per person. Call with the space locked."""
    if not (space.is_desk_pool and space.one_seat_per_person):
        return
    held = (
        Booking.objects.active()
        .for_member(booker)
        .filter(space_id=space.pk, starts_at__lt=ends_at, ends_at__gt=starts_at)
    )
    if exclude_booking_id is not None:
        held = held.exclude(pk=exclude_booking_id)
    first = held.order_by("starts_at").first()
    if first is None:
        return
    words = {
        "space": space.name,
        "when": _local(space, first.starts_at),
        "until": date_format(first.ends_at.astimezone(space.venue.zone), "H:i"),
    }
    if for_themselves:
        message = _(
            "You already have a desk in %(space)s for some of that time (from %(when)s to "
            "%(until)s). One desk per person: each person books their own."
        )
    else:
        message = _(
            "The booker already has a desk in %(space)s for some of that time (from %(when)s "
            "to %(until)s). One desk per person: each person books their own."
        )
    raise BookingError(message % words, field="starts_at")


def seats_refusal(*, space: Space, seats: int, now: datetime) -> str | None:
    """Why `space` cannot come down to `seats` seats, or None: the most active bookings holding a
    seat at one instant from `now` on must still fit. Call with the space locked."""
    last = (
        Booking.objects.active()
        .filter(space_id=space.pk, blocked_until__gt=now)
        .aggregate(last=Max("blocked_until"))["last"]
    )
    if last is None:
        return None
    pieces = seats_taken(space, Interval(now, last))
    if not pieces:
        return None
    piece, most = max(pieces, key=lambda item: (item[1], -item[0].start.timestamp()))
    if most <= seats:
        return None
    return _(
        "%(most)d bookings hold a seat at the same time on %(when)s: cancel or move "
        "some of them before reducing the seats to %(seats)d."
    ) % {
        "most": most,
        "when": date_format(piece.start.astimezone(space.venue.zone), "j F Y, H:i"),
        "seats": seats,
    }
