"""A space's booking rules in words, for its page and the booking form."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Space


def duration_in_words(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def space_rules(space: Space) -> list[str]:
    """The space's booking rules as sentences a member can read."""
    rules = [
        _("Bookings last from %(min)s to %(max)s.")
        % {
            "min": duration_in_words(space.min_duration),
            "max": duration_in_words(space.max_duration),
        },
        _("Bookings start and end on steps of %(step)s (e.g. 10:00, 10:30).")
        % {"step": duration_in_words(space.slot_step)},
        _("Book at least %(notice)s ahead.") % {"notice": duration_in_words(space.min_notice)}
        if space.min_notice
        else _("You can book up to the last minute."),
        _("You can book up to %(horizon)s ahead.") % {"horizon": duration_in_words(space.horizon)},
    ]
    if space.buffer_after:
        rules.append(
            _("%(buffer)s is kept free after each booking.")
            % {"buffer": duration_in_words(space.buffer_after)}
        )
    if space.requires_approval:
        rules.append(
            _("A venue manager approves each booking; your time is held while they decide.")
        )
        rules.append(
            _(
                "A request not decided within %(deadline)s, or by 24 hours before it starts if "
                "that is sooner, expires and its time is freed; you will be told."
            )
            % {"deadline": duration_in_words(space.approval_deadline)}
        )
    else:
        rules.append(_("Bookings are confirmed straight away."))
    if space.is_desk_pool:
        rules.append(_("%(seats)d desks: each booking takes one.") % {"seats": space.seats})
        if space.one_seat_per_person:
            rules.append(_("One desk per person at a time."))
    return rules
