import zoneinfo
from datetime import time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members import permissions
from members.models import Invitation

from .timezones import validate_time_zone

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class VenueQuerySet(models.QuerySet["Venue"]):
    def managed_by(self, member) -> "VenueQuerySet":
        """The venues `member` manages (every venue for a superuser; none for anyone signed out)."""
        return self.filter(permissions.venues_managed_filter(member))


class Venue(models.Model):
    """A building or site shared by the community, with its own time zone and opening hours."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    description = models.TextField(_("description"), blank=True)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_venues",
        verbose_name=_("venue managers"),
    )
    # The local date on which its managers were last sent the digest of requests waiting
    # (bookings.reminders.remind_managers sends one a day).
    requests_reminded_on = models.DateField(null=True, blank=True, editable=False)
    # Feeds: a venue may choose to publish its spaces' busy times (no names, no purposes).
    publish_busy_times = models.BooleanField(
        _("publish busy times"),
        default=False,
        help_text=_("Offer a public busy-only calendar feed of each space."),
    )
    # The today page on the screen in the hall (feeds.DisplayLink): a booking's title is shown
    # there only if the venue opts in here and its booker marked it public; otherwise "Booked".
    display_public_titles = models.BooleanField(
        _("show the titles of public events on the hall screen"),
        default=False,
        help_text=_(
            "The today page shows a booking's title only when its booker marked it public; "
            "every other booking reads “Booked”. Names and email addresses are never shown."
        ),
    )
    # Occupancy and impact.
    opened_for_sharing_on = models.DateField(
        _("opened for sharing on"),
        null=True,
        blank=True,
        help_text=_("When the venue opened up; reports compare before and after."),
    )
    baseline_weekly_hours = models.DecimalField(
        _("use before sharing (hours a week)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    baseline_notes = models.TextField(_("baseline notes"), blank=True)
    peak_starts = models.TimeField(_("peak hours start"), default=time(9))
    peak_ends = models.TimeField(_("peak hours end"), default=time(17))
    publish_impact = models.BooleanField(_("publish an impact page"), default=False)
    # Prices: every amount at the venue is in this ISO 4217 currency.
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    # Feeds show venue and space names and addresses: their ETags follow these.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(peak_ends__gt=F("peak_starts")), name="venue_peak_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("spaces:venue", kwargs={"venue_slug": self.slug})

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class OpeningHours(models.Model):
    """One weekly interval when a venue's spaces can be booked, in the venue's zone. Several a day are fine."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["venue", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="opening_hours_close_after_open"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_0_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A date whose opening hours differ from the week's (a bank holiday opening 10:00–14:00).

    Every exception of a date replaces that date's weekly hours; one without times closes the
    venue all day. Several on one date give several intervals.
    """

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_exceptions")
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. Bank holiday"))

    class Meta:
        verbose_name = _("opening hours exception")
        verbose_name_plural = _("opening hours exceptions")
        ordering = ["venue", "date", "opens"]
        indexes = [models.Index(fields=["venue", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(opens__isnull=True) & Q(closes__isnull=True))
                | (Q(opens__isnull=False, closes__isnull=False) & Q(closes__gt=F("opens"))),
                name="opening_exception_closed_or_close_after_open",
            ),
        ]

    def __str__(self) -> str:
        if self.opens is None or self.closes is None:
            return f"{self.date:%Y-%m-%d} closed"
        return f"{self.date:%Y-%m-%d} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A date-time range when a venue (or one of its spaces) cannot be booked."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="closures")
    space = models.ForeignKey(
        "Space",
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        help_text=_("Leave empty to close the whole venue."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.reason} ({self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M} UTC)"
        )

    def clean(self) -> None:
        if (
            self.space_id
            and self.venue_id
            and self.space is not None
            and self.space.venue_id != self.venue_id
        ):
            raise ValidationError({"space": _("That space belongs to another venue.")})


class Space(models.Model):
    """Something bookable inside a venue. `seats > 1` makes it a desk pool; otherwise it is exclusive."""

    class Kind(models.TextChoices):
        DESK_POOL = "desk_pool", _("Desk pool")
        MEETING_ROOM = "meeting_room", _("Meeting room")
        HALL = "hall", _("Hall")
        STUDIO = "studio", _("Studio")
        WORKSHOP = "workshop", _("Workshop")
        KITCHEN = "kitchen", _("Kitchen")
        OTHER = "other", _("Other")

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="spaces")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], help_text=_("People it holds.")
    )
    seats = models.PositiveIntegerField(
        _("seats"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Interchangeable seats of a desk pool; 1 for a room that is booked whole."),
    )
    amenities = models.TextField(
        _("amenities"), blank=True, help_text=_("One per line: projector, sink, Wi-Fi...")
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    quiet = models.BooleanField(_("quiet space"), default=False)
    is_active = models.BooleanField(_("bookable"), default=True)
    # The full rate: per hour, or per desk-day for a desk pool (in the venue's currency).
    rate = models.DecimalField(
        _("full rate"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Per hour; for a desk pool, per desk-day. 0 when the space is free to use."),
    )
    # Rules.
    min_duration = models.DurationField(_("shortest booking"), default=timedelta(minutes=30))
    max_duration = models.DurationField(_("longest booking"), default=timedelta(hours=8))
    slot_step = models.DurationField(
        _("slot step"),
        default=timedelta(minutes=30),
        help_text=_("Bookings start and end on multiples of this."),
    )
    min_notice = models.DurationField(_("minimum notice"), default=timedelta(0))
    horizon = models.DurationField(_("how far ahead"), default=timedelta(days=90))
    buffer_after = models.DurationField(
        _("buffer after a booking"),
        default=timedelta(0),
        help_text=_("Time kept free after each booking, e.g. to tidy."),
    )
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    # A request not decided within this (or by 24 h before its start, if sooner) expires:
    # bookings.expiry declines it and frees its time.
    approval_deadline = models.DurationField(
        _("time to decide a request"),
        default=timedelta(days=3),
        validators=[MinValueValidator(timedelta(hours=1))],
        help_text=_(
            "A request not decided within this, or by 24 hours before it starts if that is "
            "sooner, expires and its time is freed. At least an hour, e.g. 3 days, 0:00:00."
        ),
    )
    one_seat_per_person = models.BooleanField(
        _("one seat per person"),
        default=True,
        help_text=_(
            "For a desk pool: a member may hold only one of its seats at a time; "
            "each person books their own."
        ),
    )
    # Check-in (bookings.checkin): it opens this long before a booking starts; a booking not
    # checked in by its start plus the grace period is released as a no-show (None: never).
    check_in_opens_before = models.DurationField(
        _("check-in opens before the start"),
        default=timedelta(minutes=15),
        validators=[MinValueValidator(timedelta(0)), MaxValueValidator(timedelta(hours=24))],
    )
    grace_period = models.DurationField(
        _("grace period for checking in"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(timedelta(minutes=1)),
            MaxValueValidator(timedelta(hours=24)),
        ],
        help_text=_(
            "A booking not checked in this long after its start is released as a no-show and "
            "its time freed. Empty: never released. A new desk pool left empty gets 20 minutes."
        ),
    )
    calendar = models.OneToOneField(
        "schedule.Calendar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="space",
    )
    # Moved by every save: the feeds' validators and the booking service's lock (a copy read
    # before a change is read again) rely on it. Change a space by saving it (save_space in
    # bookings.services), never by QuerySet.update(); only the calendar link is set that way,
    # and the lock reads it as well.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["venue", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "slug"], name="space_slug_unique_in_venue"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="space_has_a_seat"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="space_rate_not_negative"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="space_holds_someone"),
            models.CheckConstraint(
                condition=Q(min_duration__gt=timedelta(0)), name="space_min_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_duration__gte=F("min_duration")), name="space_max_duration_gte_min"
            ),
            models.CheckConstraint(
                condition=Q(slot_step__gt=timedelta(0)), name="space_slot_step_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_notice__gte=timedelta(0)), name="space_notice_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(horizon__gt=timedelta(0)), name="space_horizon_positive"
            ),
            models.CheckConstraint(
                condition=Q(buffer_after__gte=timedelta(0)), name="space_buffer_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(approval_deadline__gte=timedelta(hours=1)),
                name="space_approval_deadline_an_hour_or_more",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.venue.name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "bookings:space", kwargs={"venue_slug": self.venue.slug, "space_slug": self.slug}
        )

    @property
    def is_desk_pool(self) -> bool:
        return self.seats > 1

    # A new desk pool's grace period unless its manager gives one (rooms: off).
    DESK_POOL_GRACE_PERIOD = timedelta(minutes=20)

    # Paths under /venues/<venue>/ that a space slug would otherwise shadow.
    RESERVED_SLUGS = frozenset({"stats", "impact", "calendars", "usage", "book"})

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.slug in self.RESERVED_SLUGS:
            errors["slug"] = _(
                "%(slug)s is used by Commonshare's own pages; choose another slug."
            ) % {"slug": self.slug}
        if self.min_duration and self.slot_step and self.min_duration % self.slot_step:
            errors["min_duration"] = _("The shortest booking must be a whole number of slot steps.")
        if self.max_duration and self.slot_step and self.max_duration % self.slot_step:
            errors["max_duration"] = _("The longest booking must be a whole number of slot steps.")
        if self.slot_step and (timedelta(days=1) % self.slot_step):
            errors["slot_step"] = _(
                "The slot step must divide a day evenly (e.g. 15, 30 or 60 minutes)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def accessibility_features(self) -> list[str]:
        labels = [
            (self.step_free, _("Step-free access")),
            (self.hearing_loop, _("Hearing loop")),
            (self.accessible_toilet, _("Accessible toilet")),
            (self.quiet, _("Quiet space")),
        ]
        return [str(label) for present, label in labels if present]

    @property
    def amenity_list(self) -> list[str]:
        return [line.strip() for line in self.amenities.splitlines() if line.strip()]


class CalendarImport(models.Model):
    """An external iCalendar (uploaded, or fetched from https) whose events block a venue or space."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="calendar_imports")
    space = models.ForeignKey(
        Space,
        on_delete=models.CASCADE,
        related_name="calendar_imports",
        null=True,
        blank=True,
        help_text=_("Leave empty to block the whole venue."),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Church services"))
    url = models.URLField(_("https address"), blank=True, max_length=1000)
    uploaded_ics = models.TextField(_("uploaded calendar"), blank=True, editable=False)
    last_good_ics = models.TextField(blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("imported calendar")
        verbose_name_plural = _("imported calendars")

    def __str__(self) -> str:
        return f"{self.name} ({self.venue})"


class Unavailability(models.Model):
    """Time blocked by an imported external calendar; treated like a closure."""

    source = models.ForeignKey(CalendarImport, on_delete=models.CASCADE, related_name="busy_times")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="unavailabilities")
    space = models.ForeignKey(
        Space, on_delete=models.CASCADE, related_name="unavailabilities", null=True, blank=True
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    summary = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["venue", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="unavailability_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary or _('Unavailable')} ({self.starts_at:%Y-%m-%d %H:%M} UTC)"


class ManagerInvitation(Invitation):
    """An invitation to manage a venue, sent to an email address that has no account yet. It is
    accepted when someone signs up and confirms that address (spaces.people)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="manager_invitations")

    class Meta:
        verbose_name = _("manager invitation")
        verbose_name_plural = _("manager invitations")
        ordering = ["-created_at"]
        constraints = [
            # Inviting the same address again refreshes its open invitation.
            models.UniqueConstraint(
                fields=["venue", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_manager_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.venue}"
