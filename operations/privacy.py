"""A member's data: what they can download, closing their account, and the retention rule.

- `member_data`: everything Commonshare holds about a member, as JSON-ready values.
- `close_account`: the member's personal data goes; their bookings stay for the venues'
  statistics, anonymised. Their coming bookings are cancelled (the venue is told), past ones
  keep space, times, organisation, activity, people and price but lose their title and free text;
  the member row is kept (bookings point at it) with its name, address and password scrubbed,
  and the account closed. Refused while they are a venue's last manager or an organisation's
  last admin.
- `anonymise_old_bookings`: the retention rule: free text of bookings that ended before the
  cut-off (titles, purposes, reasons) is replaced. The figures of the stats do not read it, so
  they are the same before and after (a test).
"""

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.services import BookingError, cancel_booking
from feeds.models import FeedToken
from members import audit, permissions
from members.models import Member
from memberships.models import Membership

ANONYMOUS_TITLE = "Booking"


class PrivacyError(Exception):
    """Closing an account was refused; the message says why."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def member_data(*, member: Member) -> dict:
    """Everything held about `member`, for them to download."""
    bookings = member.bookings.select_related("space__venue", "organisation").order_by("starts_at")
    return {
        "exported_at": timezone.now().isoformat(),
        "member": {
            "email": member.email,
            "display_name": member.display_name,
            "joined": _iso(member.date_joined),
            "last_login": _iso(member.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=member)
        ],
        "organisations": [
            {"organisation": m.organisation.name, "role": m.role, "joined": _iso(m.joined_at)}
            for m in member.memberships.select_related("organisation")
        ],
        "plan_memberships": [
            {
                "plan": m.plan.name,
                "venue": m.plan.venue.name,
                "starts_on": m.starts_on.isoformat(),
                "ends_on": m.ends_on.isoformat() if m.ends_on else None,
            }
            for m in member.plan_memberships.select_related("plan__venue")
        ],
        "bookings": [
            {
                "venue": b.space.venue.name,
                "space": b.space.name,
                "starts_at": _iso(b.starts_at),
                "ends_at": _iso(b.ends_at),
                "status": b.status,
                "title": b.title,
                "purpose": b.purpose,
                "activity": b.activity,
                "attendees": b.attendees,
                "organisation": b.organisation.name if b.organisation else None,
                "price": str(b.price) if b.price is not None else None,
                "made": _iso(b.created_at),
                "cancellation_reason": b.cancellation_reason,
            }
            for b in bookings
        ],
        "calendar_feeds": [
            {"feed": t.scope, "created": _iso(t.created_at), "revoked": _iso(t.revoked_at)}
            for t in FeedToken.objects.filter(owner=member)
        ],
        # Through the reverse relation: operations sits beside api, not above it.
        "api_tokens": [
            {
                "name": t.name,
                "read_only": t.read_only,
                "created": _iso(t.created_at),
                "expires": _iso(t.expires_at),
                "revoked": _iso(t.revoked_at),
                "last_used": _iso(t.last_used_at),
            }
            for t in member.api_tokens.all()
        ],
    }


def _free_text_cleared(now: datetime) -> dict:
    # updated_at moves too: the feeds' validators follow it, so no calendar keeps the old text.
    return {
        "title": ANONYMOUS_TITLE,
        "purpose": "",
        "cancellation_reason": "",
        "decision_reason": "",
        "updated_at": now,
    }


@transaction.atomic
def close_account(*, member: Member, now: datetime | None = None) -> int:
    """Close `member`'s account (see the module's docstring); returns how many coming bookings
    were cancelled. All or nothing: a refusal changes nothing."""
    now = now or timezone.now()
    member = Member.objects.select_for_update().get(pk=member.pk)
    refusal = permissions.account_closing_refusal(member)
    if refusal:
        raise PrivacyError(refusal)
    cancelled = 0
    coming = member.bookings.filter(status__in=Booking.ACTIVE_STATUSES, starts_at__gt=now)
    for booking in coming.order_by("starts_at"):
        try:
            cancel_booking(
                booking=booking, by=member, reason=_("The booker closed their account."), now=now
            )
        except BookingError as exc:  # pragma: no cover - the booker may cancel what is to come
            raise PrivacyError(str(exc)) from exc
        cancelled += 1
    member.bookings.update(**_free_text_cleared(now))
    audit.scrub_free_text(
        subject_type="booking", subject_ids=member.bookings.values_list("pk", flat=True)
    )
    FeedToken.objects.filter(owner=member).delete()
    # The API's rows are reached through the member (operations sits beside api, not above it).
    member.api_tokens.all().delete()
    member.idempotency_keys.all().delete()
    EmailAddress.objects.filter(user=member).delete()
    # Their plan memberships end today, or on their first day if not started (kept: bookings
    # point at them).
    today = now.date()
    running = Membership.objects.filter(member=member).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=today)
    )
    ending = list(running.select_related("plan"))
    running.filter(starts_on__lte=today).update(ends_on=today)
    running.filter(starts_on__gt=today).update(ends_on=F("starts_on"))
    for membership in ending:  # the trail sees these updates too: no signal would
        ends_on = today if membership.starts_on <= today else membership.starts_on
        audit.record(
            action="membership.changed",
            subject=membership,
            by=member,
            venue_id=membership.plan.venue_id,
            summary=_("Membership ended: the member closed their account"),
            changes={"ends_on": [audit.plain(membership.ends_on), audit.plain(ends_on)]},
            at=now,
        )
    _roles_ended(member, now=now)
    member.close()
    return cancelled


def _roles_ended(member: Member, *, now: datetime) -> None:
    """The trail's entries for the roles Member.close() takes away (organisations, venues)."""
    for place in member.memberships.select_related("organisation"):
        audit.record(
            action="organisation.role",
            subject=place.organisation,
            by=member,
            summary=_("%(person)s left %(organisation)s (account closed)")
            % {"person": member, "organisation": place.organisation},
            changes={f"role of {member}": [place.role, None]},
            at=now,
        )
    for venue in permissions.named_venues(member):
        audit.record(
            action="venue.manager_removed",
            subject=venue,
            by=member,
            venue_id=venue.pk,
            summary=_("%(person)s stopped managing (account closed)") % {"person": member},
            changes={"managers": [str(member), None]},
            at=now,
        )


def anonymise_old_bookings(*, now: datetime | None = None, days: int | None = None) -> int:
    """Clear the free text of bookings that ended more than `days` (settings.RETENTION_DAYS)
    ago; returns how many were changed. Idempotent."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    old = Booking.objects.filter(ends_at__lt=cutoff).exclude(
        title=ANONYMOUS_TITLE, purpose="", cancellation_reason="", decision_reason=""
    )
    with transaction.atomic():
        # The trail of a booking keeps what it said as it changed: cleared with the booking.
        audit.scrub_free_text(subject_type="booking", subject_ids=old.values_list("pk", flat=True))
        return old.update(**_free_text_cleared(now))
