"""Feed, download and account pages. Feed tokens are secrets: their 404s are not logged (see _gone)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import (
    http_date,
    parse_etags,
    parse_http_date_safe,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from bookings.ical import build_booking_file
from bookings.models import Booking
from members.http import AuthenticatedHttpRequest, next_url
from spaces.models import CalendarImport, Space, Venue
from spaces.views import managed_venue

from .builders import (
    Validators,
    booking_validators,
    build_feed,
    feed_summary,
    feed_validators,
    feed_window,
    keep_feed_summary,
    seen_validators,
)
from .imports import MAX_BYTES, ImportResult, import_calendar, import_upload
from .models import TOKEN_SHAPE, FeedToken
from .poll import poll
from .scopes import (
    Feed,
    busy_feed_for_space,
    busy_feed_for_venue,
    creatable_feeds,
    feed_for_token,
    feed_key,
    may_use_token,
)
from .services import (
    FeedError,
    create_feed_token,
    note_token_used,
    parse_target_id,
    regenerate_feed_token,
    revoke_feed_token,
)

CALENDAR_TYPE = "text/calendar; charset=utf-8"
# Calendar apps poll every 15 minutes to a day; let them keep a copy for a while, then revalidate cheaply.
MAX_AGE = 15 * 60


class _UnloggedNotFound(HttpResponseNotFound):
    # Django's log_response skips a response already marked as logged.
    _has_been_logged = True


def _gone() -> HttpResponse:
    """404 for an unknown or revoked token. Django logs 4xx responses with their path (the token)
    at WARNING; marking the response as logged keeps the secret out of the logs."""
    return _UnloggedNotFound(_("No such calendar feed."), content_type="text/plain; charset=utf-8")


def _not_modified(request: HttpRequest, validators: Validators) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110); an unreadable date is ignored."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        tags = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        return "*" in tags or validators.etag in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(validators.last_modified.timestamp()) <= since


def _calendar_response(body: bytes, *, public: bool, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(
        response, max_age=MAX_AGE, **({"public": True} if public else {"private": True})
    )
    return response


def _conditional_calendar(
    request: HttpRequest,
    validators: Validators,
    build: Callable[[], bytes],
    *,
    public: bool,
    filename: str | None = None,
) -> HttpResponse:
    """The calendar `build` makes, or a 304 without building it when the client's copy is
    current; both carry the ETag and Last-Modified."""
    if _not_modified(request, validators):
        response = HttpResponse(status=304)
        patch_cache_control(
            response, max_age=MAX_AGE, **({"public": True} if public else {"private": True})
        )
    else:
        response = _calendar_response(build(), public=public, filename=filename)
    response["ETag"] = validators.etag
    response["Last-Modified"] = http_date(validators.last_modified.timestamp())
    return response


def serve_feed(
    request: HttpRequest, feed: Feed, *, now: datetime, validators: Validators | None = None
) -> HttpResponse:
    """A feed with ETag and Last-Modified, or 304 when the client's copy is current (one query
    for the validators unless they are given)."""
    window = feed_window(now)
    response = _conditional_calendar(
        request,
        validators or feed_validators(feed, window),
        lambda: build_feed(feed, window),
        public=feed.public,
    )
    if not feed.public:
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def token_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A token's feed. A poll is one query (feeds.poll: the token, its owner's right, the print);
    with the print unchanged since the validators were worked out and the client's copy
    current, that is all. Otherwise the token and its feed are read in full."""
    if not TOKEN_SHAPE.fullmatch(token):
        # Not a token we could have made (a NUL byte, say, which PostgreSQL refuses): no query.
        return _gone()
    now = timezone.now()
    window = feed_window(now)
    polled = poll(token, window)
    if polled is None or not may_use_token(polled.token):
        return _gone()
    key = feed_key(polled.token)
    kept = feed_summary(key, window, polled.print)
    if kept is not None and _not_modified(request, kept):
        response = _conditional_calendar(request, kept, lambda: b"", public=False)
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        note_token_used(polled.token, now=now)
        return response
    feed = feed_for_token(polled.token)
    if kept is None:
        kept, seen = seen_validators(feed, window)
        # Kept under the print read before them only if they saw the same bookings: else a
        # print seen again later (a booking made, then deleted) would meet newer validators.
        # The rest of the print cannot come back once passed: each is the newest updated_at of
        # a table whose rows a feed shows cannot be deleted (PROTECT from their bookings).
        # Shared with the other app servers only when they answer a 304 here: the client's copy
        # is current, so its next polls (on any server) will be 304s too. After a 200 the next
        # poll of that client may be a 304 that keeps them; a 200 then costs no cache write.
        if seen == (polled.print[0], polled.print[1]):
            shared = _not_modified(request, kept)
            keep_feed_summary(key, window, polled.print, kept, shared=shared)
    response = serve_feed(request, feed, now=now, validators=kept)
    note_token_used(polled.token, now=now)
    return response


@require_safe
def busy_venue_feed(request: HttpRequest, venue_slug: str) -> HttpResponse:
    venue = get_object_or_404(Venue, slug=venue_slug, publish_busy_times=True)
    return serve_feed(request, busy_feed_for_venue(venue), now=timezone.now())


@require_safe
def busy_space_feed(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    space = get_object_or_404(
        Space.objects.select_related("venue"),
        venue__slug=venue_slug,
        slug=space_slug,
        venue__publish_busy_times=True,
    )
    return serve_feed(request, busy_feed_for_space(space), now=timezone.now())


def _booking_for(request: AuthenticatedHttpRequest, pk: int) -> Booking:
    """A booking the member booked or manages; anyone else's is a 404."""
    return get_object_or_404(
        Booking.objects.visible_to(request.user).select_related(
            "space__venue", "booker", "organisation"
        ),
        pk=pk,
    )


@login_required
@require_safe
def booking_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = _booking_for(request, pk)
    return _conditional_calendar(
        request,
        booking_validators(booking),
        lambda: build_booking_file(booking),
        public=False,
        filename=f"booking-{booking.pk}.ics",
    )


# --- The member's feeds ---------------------------------------------------------------------------


def feed_url(token: FeedToken) -> str:
    """The https (or, in development, http) address of a token's feed."""
    return settings.SITE_URL + reverse("feeds:token_feed", kwargs={"token": token.token})


def webcal_url(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


@login_required
@require_safe
def my_feeds(request: AuthenticatedHttpRequest) -> HttpResponse:
    tokens = list(
        FeedToken.objects.live()
        .filter(owner=request.user)
        .select_related("organisation", "venue", "space__venue")
    )
    rows = [{"token": t, "url": feed_url(t), "webcal": webcal_url(feed_url(t))} for t in tokens]
    have = {(t.scope, t.organisation_id or t.venue_id or t.space_id) for t in tokens}
    choices = [
        {"value": f"{scope}:{target or ''}", "label": label}
        for scope, target, label in creatable_feeds(request.user)
        if (scope, target) not in have
    ]
    managed = Venue.objects.managed_by(request.user)
    response = render(
        request,
        "feeds/my_feeds.html",
        {"rows": rows, "choices": choices, "managed_venues": managed},
    )
    response["Referrer-Policy"] = "no-referrer"  # the page shows secret addresses
    return response


@login_required
@require_POST
def create_feed(request: AuthenticatedHttpRequest) -> HttpResponse:
    back = next_url(request, reverse("feeds:mine"))
    scope, _sep, target = request.POST.get("feed", "").partition(":")
    try:
        create_feed_token(owner=request.user, scope=scope, target_id=parse_target_id(target))
    except FeedError as exc:
        messages.error(request, exc.message)
        return redirect("feeds:mine")
    messages.success(
        request, _("Your calendar feed is ready. Copy its address into your calendar app.")
    )
    return HttpResponseRedirect(back)


def _own_token(request: AuthenticatedHttpRequest, pk: int) -> FeedToken:
    return get_object_or_404(FeedToken.objects.live(), pk=pk, owner=request.user)


@login_required
@require_POST
def regenerate_feed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        regenerate_feed_token(token=_own_token(request, pk), by=request.user)
    except FeedError as exc:  # a second click that arrived while the first was regenerating
        messages.error(request, exc.message)
        return redirect("feeds:mine")
    messages.success(
        request, _("New address made; the old one no longer works. Update your calendar app.")
    )
    return redirect("feeds:mine")


@login_required
@require_POST
def revoke_feed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    revoke_feed_token(token=_own_token(request, pk), by=request.user)
    messages.success(request, _("Feed revoked; its address no longer works."))
    return redirect("feeds:mine")


# --- A venue's imported calendars ----------------------------------------------------------------


class CalendarImportForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200, help_text=gettext_lazy("e.g. Church services")
    )
    space = forms.ModelChoiceField(
        label=gettext_lazy("Space"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole venue"),
    )
    url = forms.URLField(
        label=gettext_lazy("https address"), required=False, max_length=1000, assume_scheme="https"
    )
    file = forms.FileField(label=gettext_lazy("or upload an .ics file"), required=False)

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        space = self.fields["space"]
        assert isinstance(space, forms.ModelChoiceField)  # declared above
        space.queryset = venue.spaces.all()

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Only https:// addresses can be fetched."))
        return url

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data["file"]
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError(
                _("Give either an https address or a file, not both and not neither.")
            )
        return data


@login_required
def venue_calendars(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    form = CalendarImportForm(request.POST or None, request.FILES or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        # A source whose first import fails is not kept: the manager sees why, in the form.
        with transaction.atomic():
            source = CalendarImport.objects.create(
                venue=venue,
                space=form.cleaned_data["space"],
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
            )
            if form.cleaned_data["file"]:
                result = import_upload(source, form.cleaned_data["file"].read(MAX_BYTES + 1))
            else:
                result = import_calendar(source)
            if not result.ok:
                transaction.set_rollback(True)
        if result.ok:
            _report(request, source, result)
            return redirect("feeds:venue_calendars", venue_slug=venue.slug)
        form.add_error("file" if form.cleaned_data["file"] else "url", result.error)
    sources = venue.calendar_imports.select_related("space").order_by("name")
    return render(
        request, "feeds/venue_calendars.html", {"venue": venue, "form": form, "sources": sources}
    )


def _report(request: HttpRequest, source: CalendarImport, result: ImportResult) -> None:
    if result.ok:
        messages.success(
            request,
            ngettext(
                "%(name)s imported: %(n)d busy time.",
                "%(name)s imported: %(n)d busy times.",
                result.blocks,
            )
            % {"name": source.name, "n": result.blocks},
        )
        if result.clashes:
            messages.warning(
                request,
                ngettext(
                    "%(n)d booking now clashes with it: the venue's managers and its booker "
                    "have been emailed. It has not been cancelled.",
                    "%(n)d bookings now clash with it: the venue's managers and their bookers "
                    "have been emailed. They have not been cancelled.",
                    result.clashes,
                )
                % {"n": result.clashes},
            )
    else:
        messages.error(
            request,
            _("%(name)s could not be imported: %(error)s")
            % {"name": source.name, "error": result.error},
        )


def _managed_source(request: AuthenticatedHttpRequest, pk: int) -> CalendarImport:
    return get_object_or_404(
        CalendarImport.objects.select_related("venue").filter(
            venue__in=Venue.objects.managed_by(request.user)
        ),
        pk=pk,
    )


@login_required
@require_POST
def refresh_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = _managed_source(request, pk)
    upload = request.FILES.get("file")
    if upload is not None:
        result = import_upload(source, upload.read(MAX_BYTES + 1))
    else:
        result = import_calendar(source)
    _report(request, source, result)
    return redirect("feeds:venue_calendars", venue_slug=source.venue.slug)


@login_required
@require_POST
def delete_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = _managed_source(request, pk)
    slug = source.venue.slug
    source.delete()  # its unavailability rows go with it
    messages.success(request, _("Imported calendar removed; its times are free again."))
    return redirect("feeds:venue_calendars", venue_slug=slug)
