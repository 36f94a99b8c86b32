import datetime as dt
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django import forms
from django.utils.formats import date_format, get_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members.models import Member, Organisation
from memberships.funds import fund_described, usable_funds
from memberships.models import CommunityFund, Membership
from memberships.services import current_memberships, described
from spaces.models import Space
from spaces.timezones import NonexistentLocalTime, resolve_local

from .models import Booking
from .notes import SETUP_NOTES_MAX

_described = lazy(described, str)
_fund_described = lazy(fund_described, str)

# BookingError.field (the model's names) -> this form's fields.
SERVICE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time"}


def _fold_field(label) -> forms.TypedChoiceField:
    """0 or 1: which run of a wall time that happens twice; the choices are worded per time."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(0, "0"), (1, "1")],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def _zone_words(naive: dt.datetime, local: dt.datetime) -> dict[str, str]:
    offset = local.strftime("%z")
    return {
        "time": naive.strftime("%H:%M"),
        "abbr": local.tzname() or "",
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


def setup_notes_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Set-up notes"),
        required=False,
        max_length=SETUP_NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For the caretaker: how to lay out the room, what you need (tables, urn, hearing "
            "loop...). Only the venue's managers see them."
        ),
    )


def public_title_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=gettext_lazy("Show the title on the venue's screen"),
        required=False,
        help_text=gettext_lazy(
            "For a public event: the screen at the entrance may show its title, if the venue "
            "shows titles. Otherwise it reads “Booked”. Names are never shown."
        ),
    )


class _PickerFirst:
    """A temporal field's input formats: what the browser's picker sends (ISO) first, then the
    active language's (a date or time typed by hand, or sent by a script). The language's own
    lists put the pickers' formats after others (en-GB: 05/01/2027 and 05/01/27 before ISO,
    seconds before HH:MM), so every picked value failed to parse twice before it was read."""

    def __init__(self, picker: str, setting: str) -> None:
        self.picker, self.setting = picker, setting

    def __iter__(self) -> Iterator[str]:
        yield self.picker
        yield from (found for found in get_format(self.setting) if found != self.picker)

    def __len__(self) -> int:
        return len(list(self))

    def __contains__(self, found: object) -> bool:
        return found in list(self)


def date_field() -> forms.DateField:
    """A day in the venue's calendar (the browser's date picker)."""
    return forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=_PickerFirst("%Y-%m-%d", "DATE_INPUT_FORMATS"),
    )


def time_field(label) -> forms.TimeField:
    """A wall-clock time at the venue (the browser's time picker)."""
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=_PickerFirst("%H:%M", "TIME_INPUT_FORMATS"),
    )


class BookingForm(forms.Form):
    """A booking request in the venue's wall clock. Shape and DST here; every rule about other bookings in the service."""

    date = date_field()
    start_time = time_field(gettext_lazy("Starts at"))
    end_time = time_field(gettext_lazy("Ends at"))
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("What you will call it, e.g. Team meeting."),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("A sentence for the venue: what is it for?"),
    )
    activity = forms.ChoiceField(
        label=gettext_lazy("Activity"),
        required=False,
        # A callable: the list is not copied into every form made (a twentieth of making one).
        choices=lambda: [("", gettext_lazy("Not saying")), *Booking.Activity.choices],
    )
    attendees = forms.IntegerField(
        label=gettext_lazy("How many people"), min_value=1, max_value=100000, initial=1
    )
    setup_notes = setup_notes_field()
    public_title = public_title_field()
    # Which run of a wall time that happens twice (the autumn night the clocks go back): 0 is the
    # first (summer time), 1 the second. Shown only when the time is ambiguous; the first otherwise.
    start_fold = _fold_field(gettext_lazy("Which start time?"))
    end_fold = _fold_field(gettext_lazy("Which end time?"))
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Booking for"),
        queryset=Organisation.objects.none(),  # the member's own: set in __init__
        required=False,
        empty_label=gettext_lazy("Myself"),
    )

    # Which plan membership or community fund the booking uses ("12", "fund-3"); offered only
    # when one applies (see __init__). The service checks the choice again, under the lock: the
    # browser's word is not taken.
    membership = forms.TypedChoiceField(
        label=gettext_lazy("Use"),
        required=False,
        coerce=str,
        empty_value="",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose a membership from the list.")},
    )

    def __init__(self, *args, space: Space, member: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.space, self.member = space, member
        self.today = dt.datetime.now(space.venue.zone).date()
        choice = self.fields["membership"]
        assert isinstance(choice, forms.TypedChoiceField)  # declared above
        # Read when first needed (shown, or a membership or fund chosen): a request that pays as
        # it goes ("") is valid whatever the member holds, so it reads neither.
        choice.choices = lambda: self._use_choices
        if not self.is_bound and self.memberships:
            choice.initial = next(iter(self.memberships))
        self.ambiguous: list[dt.datetime] = []  # wall times that happened twice; we took the first
        organisations = member.organisations.order_by("name")
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)  # declared above
        organisation.queryset = organisations
        step = int(space.slot_step.total_seconds())
        for name in ("start_time", "end_time"):
            self.fields[name].widget.attrs["step"] = step
        self.repeated_fields = self._label_repeated_times()
        if space.is_desk_pool:
            # A booking holds one desk for one person (bookings.rules): nothing to choose, and
            # nothing to lay out; the hall screen counts a pool's free desks, never titles.
            self.fields["attendees"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=1
            )
            del self.fields["setup_notes"], self.fields["public_title"]
        else:
            self.fields["attendees"].widget.attrs["max"] = space.capacity
            self.fields["attendees"].help_text = ngettext(
                "At most %(capacity)d person.", "At most %(capacity)d people.", space.capacity
            ) % {"capacity": space.capacity}

    @cached_property
    def memberships(self) -> dict[int, Membership]:
        """The plan memberships the member may choose, by id (memberships.services)."""
        found = current_memberships(member=self.member, space=self.space, today=self.today)
        return {membership.pk: membership for membership in found}

    @cached_property
    def funds(self) -> dict[str, CommunityFund]:
        """The community funds the member may choose, by choice value ("fund-3")."""
        found = usable_funds(member=self.member, venue_id=self.space.venue_id, today=self.today)
        return {f"fund-{fund.pk}": fund for fund in found}

    @cached_property
    def _use_choices(self) -> list[tuple[int | str, str]]:
        # Each choice's words (what is left of an allowance or fund: a query each) are worked
        # out when shown, not when a submitted choice is checked against the list.
        space, member, today = self.space, self.member, self.today
        return [
            *(
                (pk, _described(membership=m, member=member, kind=space.kind, today=today))
                for pk, m in self.memberships.items()
            ),
            *((key, _fund_described(fund=fund)) for key, fund in self.funds.items()),
            ("", _("Pay as you go / none")),
        ]

    @property
    def offers_a_choice(self) -> bool:
        """Is there a membership or fund to choose (the "Use" choice is shown)?"""
        return bool(self.memberships or self.funds)

    def chosen(self) -> tuple[Membership | None, CommunityFund | None]:
        """The membership or fund chosen, from those offered (the service checks it again)."""
        value = self.cleaned_data.get("membership") or ""
        if not value:
            return None, None
        if value in self.funds:
            return None, self.funds[value]
        return (self.memberships.get(int(value)) if value.isdigit() else None), None

    def booking_kwargs(self) -> dict[str, Any]:
        """The cleaned form as request_booking's arguments (who books and where is the view's)."""
        data = self.cleaned_data
        membership, fund = self.chosen()
        return {
            "space": self.space,
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "title": data["title"],
            "purpose": data["purpose"],
            "activity": data["activity"],
            "attendees": data["attendees"],
            "organisation": data["organisation"],
            "membership": membership,
            "fund": fund,
        }

    def notes_kwargs(self) -> dict[str, Any]:
        """The cleaned form as change_booking_notes' arguments (bookings.notes)."""
        return {
            "setup_notes": self.cleaned_data.get("setup_notes") or "",
            "public_title": bool(self.cleaned_data.get("public_title")),
        }

    def clean_attendees(self) -> int | None:
        if self.space.is_desk_pool:
            return 1
        return self.cleaned_data.get("attendees")

    @property
    def repeated_times(self) -> list[forms.BoundField]:
        """The fold choices to show: one per wall time the member chose that happens twice."""
        return [self[name] for name in self.repeated_fields]

    def _wall_times(self) -> dict[str, dt.datetime]:
        """The naive wall times the form holds (submitted, or pre-filled from a grid link)."""
        times = {}
        for name in ("start_time", "end_time"):
            day, at = self._raw("date"), self._raw(name)
            try:
                day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
                at = at if isinstance(at, dt.time) else dt.time.fromisoformat(str(at))
            except ValueError:
                continue
            times[name] = dt.datetime.combine(day, at)
        return times

    def _raw(self, name: str):
        return self.data.get(name) if self.is_bound else self.initial.get(name)

    def _label_repeated_times(self) -> list[str]:
        """Give the fold fields of wall times that happen twice their real choices; return their names."""
        zone = self.space.venue.zone
        shown = []
        for name, naive in self._wall_times().items():
            try:
                first, second = (resolve_local(naive, zone, fold=f).instant for f in (0, 1))
            except (NonexistentLocalTime, OverflowError, ValueError):
                continue
            if first == second:
                continue
            fold_name = name.replace("_time", "_fold")
            field = self.fields[fold_name]
            assert isinstance(field, forms.ChoiceField)  # made by _fold_field
            field.label = _("%(time)s happens twice on %(date)s: which one?") % {
                "time": naive.strftime("%H:%M"),
                "date": date_format(naive.date(), "j F Y"),
            }
            first_local, second_local = first.astimezone(zone), second.astimezone(zone)
            field.choices = [
                (
                    0,
                    _("The first %(time)s (%(abbr)s, UTC%(offset)s), before the clocks go back")
                    % _zone_words(naive, first_local),
                ),
                (
                    1,
                    _("The second %(time)s (%(abbr)s, UTC%(offset)s), after the clocks go back")
                    % _zone_words(naive, second_local),
                ),
            ]
            if self._raw(fold_name) in (None, ""):
                self.initial.setdefault(fold_name, 0)
            shown.append(fold_name)
        return shown

    def _resolve(self, name: str, naive: dt.datetime) -> dt.datetime | None:
        fold_name = name.replace("_time", "_fold")
        chosen = self.cleaned_data.get(fold_name)
        try:
            local = resolve_local(naive, self.space.venue.zone, fold=chosen or 0)
        except NonexistentLocalTime as exc:
            self.add_error(name, str(exc))
            return None
        if local.ambiguous and chosen is None:
            self.ambiguous.append(local.instant.astimezone(self.space.venue.zone))
        return local.instant

    # `date` in this class is the field, so the type is spelt dt.date.
    def clean_date(self) -> dt.date | None:
        day = self.cleaned_data.get("date")
        # Far-off years overflow when converted between zones; no booking is that far away anyway.
        if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2999, 12, 31):
            raise forms.ValidationError(_("Choose a date between the years 2000 and 2999."))
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        if end <= start:
            self.add_error("end_time", _("The booking must end after it starts."))
            return data
        starts_at = self._resolve("start_time", dt.datetime.combine(day, start))
        ends_at = self._resolve("end_time", dt.datetime.combine(day, end))
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("end_time", _("The booking must end after it starts."))
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        fund = self.funds.get(data["membership"]) if data.get("membership") else None
        if fund is not None and data.get("organisation") is None:
            # A fund pays for its group's bookings: choosing it says whom the booking is for.
            data["organisation"] = fund.organisation
        return data

    def add_service_error(self, field: str | None, message: str) -> None:
        name = SERVICE_FIELDS.get(field or "", field)
        self.add_error(name if name in self.fields else None, message)

    def ambiguity_note(self) -> str:
        """A sentence for the success message when a wall time happened twice (the autumn hour)."""
        if not self.ambiguous:
            return ""
        first = self.ambiguous[0]
        return _(
            "%(time)s happens twice on %(date)s in %(zone)s because the clocks go back; "
            "we booked the first %(time)s (%(abbr)s, before the change)."
        ) % {
            "time": first.strftime("%H:%M"),
            "date": date_format(first, "j F Y"),
            "zone": self.space.venue.time_zone,
            "abbr": first.tzname(),
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why decline? The booker will read this."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy("Say why the request is declined; the booker will read it.")
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class SpaceChoiceField(forms.ModelChoiceField):
    """A space of the venue the page is about: its name alone says which."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class ChangeBookingForm(forms.Form):
    """Another time or space of the same venue, and what the booking says, in the venue's clock."""

    space = SpaceChoiceField(label=gettext_lazy("Space"), queryset=Space.objects.none())
    date = date_field()
    start_time = time_field(gettext_lazy("Starts at"))
    end_time = time_field(gettext_lazy("Ends at"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    activity = forms.ChoiceField(
        label=gettext_lazy("Activity"),
        required=False,
        # A callable: the list is not copied into every form made (a twentieth of making one).
        choices=lambda: [("", gettext_lazy("Not saying")), *Booking.Activity.choices],
    )
    attendees = forms.IntegerField(
        label=gettext_lazy("How many people"), min_value=1, max_value=100000
    )
    setup_notes = setup_notes_field()
    public_title = public_title_field()

    def __init__(self, *args, booking: Booking, **kwargs) -> None:
        zone = booking.space.venue.zone
        starts, ends = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
        kwargs.setdefault(
            "initial",
            {
                "space": booking.space,
                "date": starts.date(),
                "start_time": starts.time().replace(tzinfo=None),
                "end_time": ends.time().replace(tzinfo=None),
                "title": booking.title,
                "purpose": booking.purpose,
                "activity": booking.activity,
                "attendees": booking.attendees,
                "setup_notes": booking.setup_notes,
                "public_title": booking.public_title,
            },
        )
        super().__init__(*args, **kwargs)
        self.booking = booking
        space = self.fields["space"]
        assert isinstance(space, forms.ModelChoiceField)  # declared above
        space.queryset = Space.objects.filter(venue=booking.space.venue, is_active=True).order_by(
            "name"
        )

    def _instant(self, day: dt.date, at: dt.time, field: str) -> dt.datetime | None:
        try:
            return resolve_local(
                dt.datetime.combine(day, at), self.booking.space.venue.zone
            ).instant
        except NonexistentLocalTime as error:
            self.add_error(field, str(error))
            return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        data["starts_at"] = self._instant(data["date"], data["start_time"], "start_time")
        ends_on = (
            data["date"] + dt.timedelta(days=1) if data["end_time"] == dt.time(0) else data["date"]
        )
        data["ends_at"] = self._instant(ends_on, data["end_time"], "end_time")
        return data

    def add_service_error(self, field: str | None, message: str) -> None:
        name = SERVICE_FIELDS.get(field or "", field)
        self.add_error(name if name in self.fields else None, message)
