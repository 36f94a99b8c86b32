"""Prices on the public impact page: free and reduced-rate hours, in-kind value and income by kind
of hirer only under the disclosure rules (docs/occupancy.md, "The public impact page").

In January 2027 the meeting room (£20 an hour, open 09:00–17:00, UTC in January) has one-hour
hirings: a business 15 at the full rate (£20 each), a charity 12 at a reduced rate (£10 each, so
£10 in kind each) and a community group 3 free (£20 in kind each). Two more bookings of the
group were made before prices.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking
from members.models import Organisation
from stats.disclosure import ProtectedTable
from tests.factories import BookingFactory, DeskPoolFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

JANUARY = {"kind": "month", "on": "2027-01-15"}
Basis = Booking.PriceBasis


def hire(space, organisation, count, price, full, basis, hour=9) -> None:
    """`count` one-hour bookings at `hour` on as many days from 4 January."""
    for n in range(count):
        starts = datetime(2027, 1, 4 + n, hour, tzinfo=UTC)
        BookingFactory(
            space=space,
            organisation=organisation,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            price=None if price is None else Decimal(price),
            full_price=None if full is None else Decimal(full),
            price_basis=basis,
        )


@pytest.fixture
def scene(venue, room):
    venue.publish_impact = True
    venue.save()
    business = OrganisationFactory(name="Acme Ltd", kind=Organisation.Kind.BUSINESS)
    charity = OrganisationFactory(name="Ladywood Lunch Club", kind=Organisation.Kind.CHARITY)
    group = OrganisationFactory(name="Friends of the Park", kind=Organisation.Kind.COMMUNITY_GROUP)
    hire(room, business, 15, "20", "20", Basis.FULL)
    hire(room, charity, 12, "10", "20", Basis.REDUCED, hour=10)
    hire(room, group, 3, "0", "20", Basis.FREE, hour=11)
    hire(room, group, 2, None, None, "", hour=12)
    return room


def impact(client, venue):
    response = client.get(reverse("stats:impact", kwargs={"venue_slug": venue.slug}), JANUARY)
    assert response.status_code == 200
    return response


def cells(table: ProtectedTable) -> dict:
    return {cell.key: (cell.count, cell.hours, cell.money) for cell in table.cells}


def test_free_and_reduced_rate_hours_and_in_kind_value_hide_with_their_small_hirings(
    client, venue, scene
):
    response = impact(client, venue)

    rooms = response.context["figures"].room_prices
    # Free: 3 hirings, hidden; not priced: 2, hidden. Two non-zero hidden rows protect each
    # other, so nothing more is hidden: 15 full-rate and 12 reduced-rate hirings are shown.
    assert cells(rooms) == {
        "full": (15, 15, "£0"),
        "reduced": (10, 10, "£120"),
        "free": (None, None, None),
        "unpriced": (None, None, None),
    }
    assert rooms.total == 30  # 32 hirings
    # In-kind total: 120 + 60 = 180, and only the free row's £60 is hidden with money in it,
    # so the total is hidden too: else 180 - 120 would give away the free hirings' value.
    assert rooms.money_total is None
    assert_no_single_hidden_cell_is_recoverable(
        rooms,
        {"full": 15, "reduced": 12, "free": 3, "unpriced": 2},
        {"reduced": Decimal(120), "free": Decimal(60)},
    )
    page = response.content.decode()
    assert "Free and reduced-rate use" in page
    assert "Friends of the Park" not in page


def test_a_hidden_in_kind_value_cannot_be_recovered_from_a_shown_total(client, venue, room):
    """Reduced 12 (hidden as the next smallest), free 4: two hidden rows with money, so the
    in-kind total can be shown; it only gives their sum."""
    venue.publish_impact = True
    venue.save()
    business = OrganisationFactory(kind=Organisation.Kind.BUSINESS)
    hire(room, business, 20, "20", "20", Basis.FULL)
    hire(room, business, 12, "10", "20", Basis.REDUCED, hour=10)
    hire(room, business, 4, "0", "20", Basis.FREE, hour=11)

    rooms = impact(client, venue).context["figures"].room_prices

    shown = cells(rooms)
    assert shown["free"] == (None, None, None)
    assert shown["reduced"] == (None, None, None)  # else total - full - reduced = free
    assert shown["full"] == (20, 20, "£0")
    assert rooms.money_total == "£200"  # 120 + 80: two hidden rows, neither recoverable
    assert_no_single_hidden_cell_is_recoverable(
        rooms,
        {"full": 20, "reduced": 12, "free": 4},
        {"reduced": Decimal(120), "free": Decimal(80)},
    )


def test_income_by_kind_of_hirer_is_never_shown_for_a_kind_with_fewer_than_ten_hirings(
    client, venue, scene
):
    response = impact(client, venue)

    income = response.context["figures"].income_by_kind
    shown = cells(income)
    # The group's 3 priced hirings (£0) are hidden, and the charity's 12 with them (else
    # 30 - 15 - 12 = 3 would give the group away); the business's 15 (£300) are shown.
    assert shown["community_group"] == (None, None, None)
    assert shown["charity"] == (None, None, None)
    assert shown["business"] == (15, None, "£300")
    # The group's income is £0, so the charity's £120 would be the only hidden money: the
    # income total (£420) is hidden with it.
    assert income.money_total is None
    assert_no_single_hidden_cell_is_recoverable(
        income,
        {"business": 15, "charity": 12, "community_group": 3},
        {"business": Decimal(300), "charity": Decimal(120)},
    )
    assert "£420" not in response.content.decode()


def test_a_venue_with_no_priced_booking_shows_no_price_tables(client, venue, room):
    venue.publish_impact = True
    venue.save()
    hire(room, OrganisationFactory(), 12, None, None, "")

    page = impact(client, venue).content.decode()

    assert "Free and reduced-rate use" not in page
    assert "Income by kind of hirer" not in page


def test_desk_pools_are_protected_on_their_own_hirings(client, venue, scene):
    pool = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=20)
    hire(pool, OrganisationFactory(), 4, "0", "12", Basis.ALLOWANCE)

    figures = impact(client, venue).context["figures"]

    assert figures.desk_prices.total is None  # 4 desk hirings: the whole table is hidden
    assert all(cell.count is None for cell in figures.desk_prices.cells)
    assert figures.desk_prices.money_total is None
    assert cells(figures.room_prices)["full"] == (15, 15, "£0")


def assert_no_single_hidden_cell_is_recoverable(
    table: ProtectedTable, true_counts: dict[str, int], true_money: dict[str, Decimal]
) -> None:
    """Subtracting the shown rows from a shown total never isolates one hidden row: a shown
    count total leaves no exactly one hidden row with hirings, a shown money total no exactly
    one hidden row with money."""
    hidden = [cell.key for cell in table.cells if cell.count is None]
    if table.total is not None:
        assert sum(1 for key in hidden if true_counts.get(key, 0)) != 1
    if table.money_total is not None:
        assert sum(1 for key in hidden if true_money.get(key, 0)) != 1
