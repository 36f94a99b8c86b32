"""Every write to bookings goes through here: the web pages, the admin, commands and (later) the API.

Each service runs in one transaction, locks the space row before checking other bookings (so two
requests for the same slot queue rather than both passing the check), and raises BookingError
with a sentence a member can read. On PostgreSQL an exclusion constraint backs the rule up.
"""

from datetime import datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from schedule.models import Calendar, Event

from members.models import Member, Organisation
from spaces.availability import closed_times, full_intervals, opening_intervals
from spaces.intervals import Interval
from spaces.models import Space

from . import notifications
from .models import Booking

# Named in the error raised by the PostgreSQL trigger of migration 0003 (desk pool seats).
SEATS_GUARD = "booking_seats_within_pool"


class BookingError(Exception):
    """A booking rule said no. `message` is shown to the member as is; `field` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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


def check_rules(
    *,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    attendees: int,
    now: datetime,
    notice_and_horizon: bool = True,
) -> None:
    """Raise BookingError unless [starts_at, ends_at) fits the space's own rules, hours and closures.

    With `notice_and_horizon=False` (a manager deciding an earlier request) the minimum notice and
    the horizon are not measured again: they were the member's to meet when asking. Overlap with
    other bookings is not checked here: that needs the space locked (see request_booking).
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
    if notice_and_horizon and starts_at < now + space.min_notice:
        if starts_at < now:
            raise BookingError(_("That time has already passed."), field="starts_at")
        raise BookingError(
            _("%(space)s needs %(notice)s notice: book a later time.")
            % {"space": space.name, "notice": _minutes(space.min_notice)},
            field="starts_at",
        )
    if notice_and_horizon and ends_at > now + space.horizon:
        raise BookingError(
            _("%(space)s can be booked up to %(ahead)s ahead.")
            % {"space": space.name, "ahead": _days(space.horizon)},
            field="starts_at",
        )
    wanted = Interval(starts_at, ends_at)
    if not any(
        interval.contains(wanted)
        for interval in opening_intervals(
            space.venue, Interval(starts_at - timedelta(days=1), ends_at + timedelta(days=1))
        )
    ):
        raise BookingError(
            _("%(venue)s is not open for all of that time. Pick a time within its opening hours.")
            % {"venue": space.venue.name},
            field="starts_at",
        )
    for blocked in closed_times(space, wanted):
        raise BookingError(
            _("%(space)s is closed then (%(reason)s) until %(until)s.")
            % {
                "space": space.name,
                "reason": blocked.reason,
                "until": _local(space, blocked.interval.end),
            },
            field="starts_at",
        )


def _check_free(
    *,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking_id: int | None = None,
    buffer: timedelta | None = None,
) -> None:
    """Raise BookingError if the slot, with its buffer (the space's, unless given), is already held.

    Call with the space locked.
    """
    buffer = space.buffer_after if buffer is None else buffer
    clash = full_intervals(
        space,
        Interval(starts_at, ends_at + buffer),
        buffer=buffer,
        exclude_booking_id=exclude_booking_id,
    )
    if any(interval.overlaps(Interval(starts_at, ends_at)) for interval in clash):
        if space.is_desk_pool:
            raise BookingError(
                _(
                    "All %(seats)d desks of %(space)s are taken for some of that time. Try another time."
                )
                % {"seats": space.seats, "space": space.name}
            )
        raise BookingError(
            _("%(space)s is already booked then. Try another time.") % {"space": space.name}
        )


def _calendar_for(space: Space) -> Calendar:
    """The space's django-scheduler calendar, created the first time it is needed."""
    if space.calendar_id is None:
        calendar, _created = Calendar.objects.get_or_create(
            slug=f"space-{space.pk}", defaults={"name": f"{space.name} ({space.venue.name})"[:200]}
        )
        space.calendar = calendar
        Space.objects.filter(pk=space.pk).update(calendar=calendar)
    return space.calendar


def _mirror_event(booking: Booking) -> None:
    """Keep the django-scheduler Event on the space's calendar in step with an active booking."""
    event = Event.objects.create(
        calendar=_calendar_for(booking.space),
        start=booking.starts_at,
        end=booking.ends_at,
        title=booking.title[:255],
        description=booking.purpose,
        creator=booking.booker,
    )
    booking.event = event


def _drop_event(booking: Booking) -> None:
    if booking.event_id:
        Event.objects.filter(pk=booking.event_id).delete()
        booking.event = None


def _lock_space(space: Space) -> Space:
    # Lock late, lock once: every booking of this space queues here. On SQLite the IMMEDIATE
    # transaction mode (settings) already holds the database write lock.
    return Space.objects.select_for_update().select_related("venue").get(pk=space.pk)


@transaction.atomic
def request_booking(
    *,
    booker: Member,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    purpose: str = "",
    activity: str = "",
    attendees: int = 1,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book `space` for [starts_at, ends_at) or raise BookingError; never leaves a partial booking.

    Spaces that require approval get a pending booking, which holds the slot until decided.
    """
    now = now or timezone.now()
    space = _lock_space(space)
    title = title.strip()
    if not title:
        raise BookingError(_("Give the booking a title, e.g. 'Team meeting'."), field="title")
    if activity and activity not in Booking.Activity.values:
        raise BookingError(_("Choose an activity from the list."), field="activity")
    if organisation is not None and not organisation.memberships.filter(member=booker).exists():
        raise BookingError(
            _("You can only book for an organisation you belong to."), field="organisation"
        )
    check_rules(space=space, starts_at=starts_at, ends_at=ends_at, attendees=attendees, now=now)
    _check_free(space=space, starts_at=starts_at, ends_at=ends_at)

    booking = Booking(
        space=space,
        booker=booker,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + space.buffer_after,
        exclusive=not space.is_desk_pool,
        status=Booking.Status.PENDING if space.requires_approval else Booking.Status.CONFIRMED,
        title=title,
        purpose=purpose.strip(),
        activity=activity,
        attendees=attendees,
    )
    try:
        booking.full_clean()
    except ValidationError as exc:
        # Field limits the checks above do not cover (a title too long): a sentence, not a crash.
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from exc
    _mirror_event(booking)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        # PostgreSQL's own guards (migrations 0002 and 0003) caught what the check above should
        # have: the same answer as the check would have given.
        if "booking_no_overlap" in str(exc):
            raise BookingError(
                _("%(space)s is already booked then. Try another time.") % {"space": space.name}
            ) from exc
        if SEATS_GUARD in str(exc):
            raise BookingError(
                _(
                    "All %(seats)d desks of %(space)s are taken for some of that time. Try another time."
                )
                % {"seats": space.seats, "space": space.name}
            ) from exc
        raise
    notifications.booking_requested(booking)
    return booking


def _lock_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("space__venue", "booker")
        .get(pk=booking.pk)
    )


def can_manage(member: Member, booking: Booking) -> bool:
    return booking.space.venue.is_managed_by(member)


@transaction.atomic
def cancel_booking(
    *, booking: Booking, by: Member, reason: str = "", now: datetime | None = None
) -> Booking:
    """Cancel an active booking, freeing its slot.

    The booker may cancel until it starts; a venue manager also while it runs (a fire alarm, a
    burst pipe). Nobody may cancel a booking that has ended: it happened (or was missed), and
    cancelling would rewrite the record that occupancy and no-shows are counted from.
    """
    now = now or timezone.now()
    booking = _lock_booking(booking)
    is_manager = can_manage(by, booking)
    if booking.booker_id != by.pk and not is_manager:
        raise BookingError(_("Only the booker or a venue manager can cancel this booking."))
    if not booking.is_active:
        raise BookingError(
            _("This booking is already %(status)s.")
            % {"status": booking.get_status_display().lower()}
        )
    if booking.ends_at <= now:
        raise BookingError(_("This booking has already ended, so it can no longer be cancelled."))
    if booking.starts_at <= now and not is_manager:
        raise BookingError(
            _("This booking has already started; ask the venue if you need to change it.")
        )
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by = by
    booking.cancelled_at = now
    booking.cancellation_reason = reason.strip()
    booking.sequence += 1
    _drop_event(booking)
    booking.save()
    notifications.booking_cancelled(booking)
    return booking


def _decide(
    *, booking: Booking, by: Member, now: datetime | None, reason: str
) -> tuple[Booking, datetime]:
    now = now or timezone.now()
    booking = _lock_booking(booking)
    if not can_manage(by, booking):
        raise BookingError(
            _("Only a manager of %(venue)s can decide this request.")
            % {"venue": booking.space.venue}
        )
    if booking.status != Booking.Status.PENDING:
        raise BookingError(
            _("This request has already been decided: it is %(status)s.")
            % {"status": booking.get_status_display().lower()}
        )
    booking.decided_by = by
    booking.decided_at = now
    booking.decision_reason = reason.strip()
    booking.sequence += 1
    return booking, now


@transaction.atomic
def approve_booking(
    *, booking: Booking, by: Member, reason: str = "", now: datetime | None = None
) -> Booking:
    """Confirm a pending booking if it still fits the space's rules as they are now; else BookingError.

    Checked again, with the space locked: the space still takes bookings, the duration, slot step
    and capacity rules, opening hours, closures and imported unavailability, and the bookings held
    by others (seats of a desk pool), with the buffer the request already holds. Not checked again:
    the minimum notice and the horizon, which the member met when asking; a manager may approve a
    request late, but not once its start has passed. A refusal changes nothing, and says why so
    the manager can decline instead.
    """
    booking, now = _decide(booking=booking, by=by, now=now, reason=reason)
    if booking.starts_at <= now:
        raise BookingError(_("This request's start has passed; it can only be declined."))
    # The booking row is locked first, then the space: the same order as an UPDATE of a booking
    # under migration 0003's trigger, so the two never wait on each other in a circle.
    space = _lock_space(booking.space)
    try:
        check_rules(
            space=space,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            attendees=booking.attendees,
            now=now,
            notice_and_horizon=False,
        )
        _check_free(
            space=space,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            exclude_booking_id=booking.pk,
            buffer=booking.blocked_until - booking.ends_at,
        )
    except BookingError as exc:
        raise BookingError(
            _("This request can no longer be approved. %(why)s Decline it to tell the booker.")
            % {"why": exc.message}
        ) from exc
    booking.status = Booking.Status.CONFIRMED
    booking.save()
    notifications.booking_approved(booking)
    return booking


@transaction.atomic
def decline_booking(
    *, booking: Booking, by: Member, reason: str, now: datetime | None = None
) -> Booking:
    """Decline a pending booking with a reason the booker will read, freeing its slot."""
    if not reason.strip():
        raise BookingError(
            _("Say why the request is declined; the booker will read it."), field="reason"
        )
    booking, now = _decide(booking=booking, by=by, now=now, reason=reason)
    booking.status = Booking.Status.DECLINED
    _drop_event(booking)
    booking.save()
    notifications.booking_declined(booking)
    return booking
