"""Who may do what: the one place that decides.

Services, views, feeds, stats, templates (through the context processor) and the admin all ask
here; nothing else compares a booker's id or looks at a venue's managers to grant access. Two
kinds of answer:

- **filters** (`Q` objects) for querysets, so that a list shows only what a member may see and
  a lookup of anything else is a 404: `Venue.objects.managed_by(member)`,
  `Booking.objects.visible_to(member)` and `Booking.objects.managed_by(member)` are built on them;
- **predicates** (`may_...`) about one object, and `..._refusal` functions that say *why not* in
  a sentence a member can read, for the services to raise.

The roles today: a member (their own bookings and statements), a member of an organisation
(may book on its behalf and read its page), an organisation admin (also follows the
organisation's calendar feed, changes its details and people, sees its bookings and statements;
an organisation always keeps one), a venue manager (everything about the venues they manage,
their statements included) and a superuser (staff: every venue). A new role (a
venue's staff, say) is added here.

This module sits in the lowest layer (members): it names fields of the other apps' models in
lookups but imports none of them, so any app may use it.
"""

from ._base import (
    NOTHING,
    Person,
    _signed_in,
)
from .api import (
    api_tokens_filter,
    api_write_refusal,
)
from .audit import (
    booking_history_shown,
    did_it_themselves,
    may_see_booking_history,
    may_see_venue_history,
    sees_whole_booking_history,
)
from .bookings import (
    approvable_among_managed,
    bookings_managed_filter,
    bookings_visible_filter,
    cancel_refusal,
    check_in_refusal,
    decide_refusal,
    is_booker,
    is_booker_id,
    is_waitlist_member,
    may_approve,
    may_cancel,
    may_check_in,
    may_decide,
    may_see_booking,
    move_refusal,
    series_organised_filter,
    waitlist_entries_filter,
)
from .feeds import (
    FEED_OWNER_FIELDS,
    display_link_refusal,
    may_show_title_on_display,
    may_use_feed,
    with_feed_rights,
)
from .organisations import (
    _belongs_to,
    _feed_memberships,
    account_closing_refusal,
    belongs_to,
    followable_organisations_filter,
    may_book_for,
    may_follow_organisation,
    may_manage_organisation,
    may_see_member_statement,
    may_see_organisation_statement,
    organisation_admins,
    organisation_change_refusal,
    organisations_seen_filter,
)
from .plans import (
    fund_refusal,
    may_use_membership,
    own_funds_filter,
    usable_memberships_filter,
)
from .venues import (
    is_named_manager,
    manager_removal_refusal,
    managers_of,
    manages_any_venue,
    may_manage,
    may_manage_people,
    may_see_impact_page,
    may_see_usage_data,
    named_venues,
    shows_manager_links,
    venues_managed_filter,
    with_manages_any_venue,
)
from .webhooks import webhook_refusal

__all__ = [
    "booking_history_shown",
    "did_it_themselves",
    "may_see_booking_history",
    "may_see_venue_history",
    "sees_whole_booking_history",
    "NOTHING",
    "Person",
    "_belongs_to",
    "_feed_memberships",
    "_signed_in",
    "account_closing_refusal",
    "api_tokens_filter",
    "api_write_refusal",
    "approvable_among_managed",
    "belongs_to",
    "bookings_managed_filter",
    "bookings_visible_filter",
    "cancel_refusal",
    "check_in_refusal",
    "decide_refusal",
    "display_link_refusal",
    "followable_organisations_filter",
    "fund_refusal",
    "is_booker",
    "is_booker_id",
    "is_named_manager",
    "is_waitlist_member",
    "manager_removal_refusal",
    "managers_of",
    "manages_any_venue",
    "shows_manager_links",
    "with_manages_any_venue",
    "may_approve",
    "may_book_for",
    "may_cancel",
    "may_check_in",
    "may_decide",
    "may_follow_organisation",
    "may_manage",
    "may_manage_organisation",
    "may_manage_people",
    "may_see_booking",
    "may_see_impact_page",
    "may_see_member_statement",
    "may_see_organisation_statement",
    "may_see_usage_data",
    "may_show_title_on_display",
    "may_use_feed",
    "with_feed_rights",
    "FEED_OWNER_FIELDS",
    "may_use_membership",
    "move_refusal",
    "named_venues",
    "organisation_admins",
    "organisation_change_refusal",
    "organisations_seen_filter",
    "own_funds_filter",
    "series_organised_filter",
    "usable_memberships_filter",
    "venues_managed_filter",
    "waitlist_entries_filter",
    "webhook_refusal",
]
