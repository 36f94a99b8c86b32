"""What a venue's managers enter for their own impact reporting."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking


class ProxyValue(models.Model):
    """A financial proxy a manager chose for social-value reporting: "£x per participant visit".

    Commonshare ships none: the common UK social-value banks license their values for use by
    the licensee and forbid bundling them in software. A manager enters a value they may use,
    with where it comes from and under which licence, and the stats page multiplies it by the
    period's figures, labelled as the manager's estimate (see docs/occupancy.md).
    """

    class Measure(models.TextChoices):
        # Room hours only: desk seat-hours are not valued per hour (stats/values.py).
        BOOKED_HOUR = "booked_hour", _("per booked room hour (desk seat-hours not counted)")
        HIRING = "hiring", _("per hiring")
        PARTICIPANT_VISIT = "participant_visit", _("per participant visit (declared)")

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="proxy_values")
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("What the value stands for, e.g. “Wellbeing of a regular group member”."),
    )
    measure = models.CharField(_("counted"), max_length=20, choices=Measure.choices)
    activity = models.CharField(
        _("activity"),
        max_length=20,
        choices=Booking.Activity.choices,
        blank=True,
        help_text=_("Count only bookings for this activity; leave empty for all bookings."),
    )
    amount = models.DecimalField(
        _("value per unit"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000000"))],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="GBP",
        validators=[
            RegexValidator(
                r"^[A-Za-z]{3}$", _("Give the currency as a three-letter code, e.g. GBP.")
            )
        ],
        help_text=_("A three-letter code, e.g. GBP."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the value comes from: the publication, bank or study, and its year."),
    )
    source_url = models.URLField(_("source address"), blank=True)
    licence = models.CharField(
        _("licence"),
        max_length=200,
        help_text=_("The licence or permission under which you use and show this value."),
    )
    notes = models.TextField(_("notes"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proxy value")
        verbose_name_plural = _("proxy values")
        ordering = ["venue", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.amount} {self.currency} {self.get_measure_display()})"

    def save(self, *args, **kwargs) -> None:
        self.currency = self.currency.upper()
        super().save(*args, **kwargs)
