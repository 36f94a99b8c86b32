"""What the demo builder holds while it writes: the base of `demo.build.DemoBuilder` and of the
two mixins that make its bookings (`demo.past.PastBookings`, `demo.upcoming.UpcomingBookings`).

Only declarations: `DemoBuilder.__init__` fills the attributes, and `DemoBuilder` implements the
helpers the mixins call.
"""

import random
from abc import ABC, abstractmethod
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from bookings.models import Booking
from members.models import Member, Organisation
from memberships.models import CommunityFund, Membership
from spaces.intervals import Interval
from spaces.models import Space, Venue

from .people import OrganisationSpec

if TYPE_CHECKING:
    from .prices import Paid
from .venues import SpaceSpec, VenueSpec


class DemoState(ABC):
    now: datetime
    today: date  # in the demo's zone
    rng: random.Random
    members: dict[str, Member]  # by email
    organisations: dict[str, Organisation]  # by slug
    org_specs: dict[str, OrganisationSpec]  # by slug
    venue_specs: dict[str, VenueSpec]  # by slug
    venues: dict[str, Venue]  # by slug
    spaces: dict[tuple[str, str], Space]  # by (venue slug, space slug)
    desk_taken: dict[date, set[str]]  # emails of the desk users who have a desk that day
    memberships: list[Membership]  # the demo's, with their plans and allowances
    funds: list[CommunityFund]
    # What active bookings took: ("fund", fund pk) -> hours; (membership pk, kind of space, month,
    # None) -> the pool's hours or desk-days of that kind that month; (..., member pk) -> one
    # person's (a cap per person applies to each kind's allowance, as memberships.allowances).
    used: dict[tuple, Decimal]

    @abstractmethod
    def local(self, day: date, at: time) -> datetime: ...

    @abstractmethod
    def slots(
        self, space: Space, spec: SpaceSpec, day: date, venue_slug: str, length: timedelta
    ) -> list[Interval]: ...

    @abstractmethod
    def pick_hirer(
        self, spec: SpaceSpec, day: date
    ) -> tuple[Member, Organisation | None, str, str] | None: ...

    @abstractmethod
    def attendees(self, spec: SpaceSpec) -> int: ...

    @abstractmethod
    def use_level(self, venue: Venue, day: date) -> float: ...

    @abstractmethod
    def how_many(self, spec: SpaceSpec, level: float, day: date) -> int: ...

    @abstractmethod
    def paid_with(
        self,
        *,
        space: Space,
        booker: Member,
        organisation: Organisation | None,
        starts_at: datetime,
        ends_at: datetime,
    ) -> "Paid": ...

    @abstractmethod
    def record(self, booking: Booking) -> None: ...

    @abstractmethod
    def price_past(self, booking: Booking) -> None: ...
