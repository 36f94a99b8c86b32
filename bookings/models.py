import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import BookingQuerySet

# What the covering indexes carry besides their keys.
HELD = ["ends_at", "blocked_until", "updated_at", "status", "organisation"]


class Booking(models.Model):
    """One reservation of one space for the half-open interval [starts_at, ends_at).

    No double booking: besides the locked check in `bookings.services`, PostgreSQL enforces an
    exclusion constraint (migration 0002) so that no two active bookings of an exclusive space
    have overlapping [starts_at, blocked_until) ranges. `blocked_until` is `ends_at` plus the
    space's buffer at the time of booking; `exclusive` is copied from the space (seats == 1)
    because a constraint cannot look at another table.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        # Not checked in within the space's grace period: released (bookings.checkin), its
        # time free again, but still charged as booked (bookings.statements).
        NO_SHOW = "no_show", _("No-show")

    class Activity(models.TextChoices):
        HEALTH = "health", _("Health and wellbeing")
        LEARNING = "learning", _("Learning")
        ARTS = "arts", _("Arts and culture")
        FAITH = "faith", _("Faith")
        CIVIC = "civic", _("Civic and community")
        ENTERPRISE = "enterprise", _("Enterprise and work")
        SOCIAL = "social", _("Social")

    class PriceBasis(models.TextChoices):
        FULL = "full", _("Full rate")
        REDUCED = "reduced", _("Reduced rate")
        FREE = "free", _("Free")
        ALLOWANCE = "allowance", _("Within the membership's allowance")
        FUND = "fund", _("Paid by a community fund")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED)
    # Charged on the statement and drawn from allowances and funds: a no-show still is.
    CHARGED_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.NO_SHOW)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Without an index of their own: booking_space_cover and booking_booker_cover lead with them.
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", db_index=False
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        verbose_name=_("booking for"),
    )
    # The plan membership whose allowance this booking uses; none for pay as you go.
    membership = models.ForeignKey(
        "memberships.Membership",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("membership used"),
    )
    # The price, computed by the server when the booking is made or moved (never taken from the
    # browser), in the venue's currency. Null: made before the venue had prices.
    price = models.DecimalField(
        _("price"), max_digits=9, decimal_places=2, null=True, blank=True, editable=False
    )
    # What it would cost at the space's full rate: in-kind value is full_price - price.
    full_price = models.DecimalField(
        _("at the full rate"), max_digits=9, decimal_places=2, null=True, blank=True, editable=False
    )
    price_basis = models.CharField(
        _("priced as"), max_length=10, choices=PriceBasis.choices, blank=True, editable=False
    )
    # The community fund that pays for it, and what it drew (hours, or money, as the fund is).
    fund = models.ForeignKey(
        "memberships.CommunityFund",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("community fund used"),
    )
    fund_drawn = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, editable=False
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    blocked_until = models.DateTimeField(editable=False)
    exclusive = models.BooleanField(editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    activity = models.CharField(_("activity"), max_length=16, choices=Activity.choices, blank=True)
    attendees = models.PositiveIntegerField(_("attendees"), default=1)
    # For the caretaker's day sheet (managers only): chairs, tables, urn, hearing loop...
    setup_notes = models.TextField(_("set-up notes"), blank=True, default="", db_default="")
    # The booker lets the venue's hall screen show the title (if the venue shows public titles).
    public_title = models.BooleanField(
        _("show the title on the venue's screen"), default=False, db_default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Rises whenever the booking changes, for calendar clients (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A pending request expires then if not decided (bookings.expiry); set when it is requested.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, editable=False)
    # When the booker was sent the reminder the day before (bookings.reminders), at most once.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    # When someone checked in, and who did it (the booker, or a venue manager from the day view).
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True, editable=False)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    # Who made it, when not the booker: a venue manager booking on someone's behalf (a phone
    # call, a walk-in), who may also waive the space's notice and horizon (never overlap or seats).
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    # db_default: raw writers (the stats benchmark's bulk INSERT) need not name it.
    waived_notice_and_horizon = models.BooleanField(default=False, db_default=False, editable=False)
    # The series this booking is one occurrence of: each occurrence is its own row (bookings.series).
    series = models.ForeignKey(
        "bookings.Series",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        editable=False,
    )
    # The django-scheduler mirror on the space's calendar (present while the booking is active).
    event = models.OneToOneField(
        "schedule.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="booking",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        indexes = [
            # Covering (PostgreSQL): a feed's ETag and a week's holds are index-only scans.
            models.Index(
                fields=["space", "starts_at"], include=[*HELD, "booker"], name="booking_space_cover"
            ),
            models.Index(fields=["booker", "starts_at"], include=HELD, name="booking_booker_cover"),
            # A space's holds around a time (availability.held_around, under every booking's
            # lock): read from the holds that end after it, which the horizon bounds, rather
            # than from every booking that starts before it, which grows with the history.
            models.Index(
                fields=["space", "blocked_until"],
                include=["starts_at", "status"],
                name="booking_space_holds",
            ),
            models.Index(fields=["status", "starts_at"], name="booking_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")), name="booking_blocked_covers_booking"
            ),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="booking_has_attendees"),
            models.CheckConstraint(
                condition=Q(price__isnull=True)
                | Q(price__gte=0, full_price__isnull=False, price__lte=F("full_price")),
                name="booking_price_within_full_price",
            ),
            models.CheckConstraint(
                condition=Q(fund__isnull=True, fund_drawn__isnull=True)
                | Q(fund__isnull=False, fund_drawn__gt=0),
                name="booking_fund_drawn_with_fund",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "confirmed", "declined", "cancelled", "no_show"]
                ),
                name="booking_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.space} ({self.starts_at:%Y-%m-%d %H:%M} UTC)"

    def get_absolute_url(self) -> str:
        return reverse("bookings:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.space.venue.zone)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.space.venue.zone)


class Series(models.Model):
    """A repeating booking: the rule that gives its dates, and what every occurrence says.

    Each occurrence is its own `Booking` (pointing here), checked and counted on its own; this
    row keeps the rule, in the venue's wall clock (`starts_on`, `start_time`), so that 18:00
    stays 18:00 across the clock changes. The rule is mirrored as a django-scheduler `Rule` and
    `Event` (bookings/mirror.py), and its dates are read back from that event (bookings/recurrence.py).
    It ends on a date (`until`, inclusive) or after `count` dates, never both.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week")
        MONTHLY_DATE = "monthly_date", _("Every month, on the same date")
        MONTHLY_WEEKDAY = "monthly_weekday", _("Every month, on the same weekday")

    space = models.ForeignKey("spaces.Space", on_delete=models.PROTECT, related_name="series")
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="series"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="series",
        null=True,
        blank=True,
        verbose_name=_("booking for"),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    activity = models.CharField(
        _("activity"), max_length=16, choices=Booking.Activity.choices, blank=True
    )
    attendees = models.PositiveIntegerField(_("attendees"), default=1)
    starts_on = models.DateField(_("first date"))
    start_time = models.TimeField(_("starts at"))
    # Real elapsed time of each occurrence.
    duration = models.DurationField(_("length"))
    frequency = models.CharField(_("repeats"), max_length=16, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    # Monthly by weekday: 1 to 4 for the first to fourth weekday of the month, -1 for the last.
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("times"), null=True, blank=True)
    # The django-scheduler mirror of the rule, on the space's series calendar (bookings/mirror.py).
    event = models.OneToOneField(
        "schedule.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="series",
    )
    # Dates ending after this were beyond the horizon when the series was last tried: the
    # extend_series command books them as the horizon moves (bookings/series_extend.py).
    tried_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Re-confirmed each term (bookings/series_terms.py): dates ending after confirmed_until
    # wait for the organiser, asked to confirm the next block by confirm_by.
    reconfirm_every = models.PositiveSmallIntegerField(_("re-confirm every (weeks)"), null=True)
    confirmed_until = models.DateTimeField(null=True, blank=True, editable=False)
    confirm_by = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["starts_on", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=False, count__isnull=True)
                | Q(until__isnull=True, count__gte=1),
                name="series_ends_by_date_or_count",
            ),
            models.CheckConstraint(condition=Q(interval__gte=1), name="series_interval_positive"),
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0)), name="series_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly", "monthly_date", "monthly_weekday"]),
                name="series_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.space} ({self.get_frequency_display()})"


class WaitlistEntry(models.Model):
    """A member waiting for a taken slot of a space (a room, or a seat of a desk pool at a time).

    When the time frees up, the first entry in line whose time is now free is *offered* it
    (bookings.waitlists): an email with a claim link holding `offer_token`, valid until
    `offer_expires_at`. Claiming books it through the normal booking service (bookings.waitlist_claims);
    an offer not claimed in time expires and passes to the next in line. An entry is offered
    at most once, so its token works once. What the booking will say (title, people, the
    membership or fund it uses) is kept here from the booking form it was joined from.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered")
        CLAIMED = "claimed", _("Booked")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Left the list")

    LIVE_STATES = (State.WAITING, State.OFFERED)

    space = models.ForeignKey(
        "spaces.Space", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="waitlist_entries",
        null=True,
        blank=True,
        verbose_name=_("booking for"),
    )
    membership = models.ForeignKey(
        "memberships.Membership",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    fund = models.ForeignKey(
        "memberships.CommunityFund",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    activity = models.CharField(
        _("activity"), max_length=16, choices=Booking.Activity.choices, blank=True
    )
    attendees = models.PositiveIntegerField(_("attendees"), default=1)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.WAITING
    )
    # Unguessable (secrets.token_urlsafe), set when the entry is offered and kept afterwards, so
    # a used or expired link can say so.
    offer_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    offered_at = models.DateTimeField(null=True, blank=True, editable=False)
    offer_expires_at = models.DateTimeField(_("claim by"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        related_name="waitlist_entry",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["space", "state", "starts_at"], name="waitlist_space_state_start"),
            models.Index(fields=["state", "offer_expires_at"], name="waitlist_state_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="waitlist_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(attendees__gte=1), name="waitlist_has_attendees"),
            models.CheckConstraint(
                condition=Q(state__in=["waiting", "offered", "claimed", "expired", "withdrawn"]),
                name="waitlist_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="offered")
                | Q(offer_token__isnull=False, offer_expires_at__isnull=False),
                name="waitlist_offer_has_token",
            ),
            # Once per slot: a member is in line for a time of a space at most once at a time.
            models.UniqueConstraint(
                fields=["space", "member", "starts_at", "ends_at"],
                condition=Q(state__in=["waiting", "offered"]),
                name="waitlist_once_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.space} ({self.starts_at:%Y-%m-%d %H:%M} UTC, {self.state})"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.space.venue.zone)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.space.venue.zone)

    @property
    def claim_url(self) -> str:
        return reverse("bookings:claim", kwargs={"token": self.offer_token})
