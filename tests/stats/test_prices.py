"""Free, reduced-rate (subsidised) and community-fund hours, income by kind of hirer and in-kind
value, against bookings worked out by hand (docs/occupancy.md, "Prices, subsidy and community
funds").

St Luke's is open 09:00–17:00 every day (Europe/London, which is UTC in January). The meeting
room's full rate is £20 an hour; the hot desks' £12 a desk-day. In January 2027, the room:
  1. business, 5 Jan 10–12, full rate:               2 h, price 40, full 40
  2. charity, 6 Jan 10–13, reduced:                  3 h, price 30, full 60
  3. community group, 7 Jan 09–11, free tier:        2 h, price 0,  full 40
  4. a member (no organisation), 8 Jan 10–11, allowance: 1 h, price 0, full 20
  5. community group, 9 Jan 10–14, an hours fund:    4 h, price 0,  full 80, drew 4 hours
  6. charity, 12 Jan 10–12, a money fund paid part:  2 h, price 10, full 40, drew £30
  7. charity, 13 Jan 10–12, made before prices:      2 h, not priced
  8. charity, 31 Jan 16:00 – 1 Feb 10:00, reduced:   1 h in January (16–17), price 50, full 100
  9. charity, 31 Dec 2026 16:00 – 1 Jan 10:00, free: 1 h in January (09–10), price 0, full 100;
     its hiring (and so its money) is December's
 10. cancelled (14 Jan, reduced) and pending (15 Jan, full): not counted.
The hot desks: two members within their allowance, 20 Jan 09–13: 2 x 4 = 8 seat-hours free,
in-kind 2 x 12 = 24.

So, in January: room hours full 2, reduced 3+2+1 = 6, free 2+1+4+1 = 8, not priced 2 (18 in
all); community-fund room hours 4+2 = 6; income 40+30+10+50 = 130; in-kind 30+30+50 (reduced)
+ 40+20+80 (free) + 24 (desks) = 274; drawn from money funds 30; hirings 8 of rooms + 2 of desks,
of which 9 priced and 1 not priced.
"""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Booking
from members.models import Organisation
from stats.figures import FREE, FULL, FUNDED, INDIVIDUAL, REDUCED, UNPRICED
from stats.occupancy import compute_stats
from stats.periods import Period
from tests.factories import (
    BookingFactory,
    CommunityFundFactory,
    DeskPoolFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

JANUARY = {"kind": "month", "on": "2027-01-15"}
JANUARY_PERIOD = Period(date(2027, 1, 1), date(2027, 1, 31))
Basis = Booking.PriceBasis


def at(day: int, hour: int, month: int = 1, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def priced(space, start, end, price, full, basis, **extra) -> Booking:
    return BookingFactory(
        space=space,
        starts_at=start,
        ends_at=end,
        price=None if price is None else Decimal(price),
        full_price=None if full is None else Decimal(full),
        price_basis=basis,
        **extra,
    )


@pytest.fixture
def scene(venue, room):
    pool = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=5)
    business = OrganisationFactory(name="Acme Ltd", kind=Organisation.Kind.BUSINESS)
    charity = OrganisationFactory(name="Ladywood Lunch Club", kind=Organisation.Kind.CHARITY)
    group = OrganisationFactory(name="Friends of the Park", kind=Organisation.Kind.COMMUNITY_GROUP)
    hours_fund = CommunityFundFactory(venue=venue, organisation=group, hours=Decimal(40))
    money_fund = CommunityFundFactory(
        venue=venue, organisation=charity, hours=None, amount=Decimal(200)
    )
    priced(room, at(5, 10), at(5, 12), "40", "40", Basis.FULL, organisation=business)
    priced(room, at(6, 10), at(6, 13), "30", "60", Basis.REDUCED, organisation=charity)
    priced(room, at(7, 9), at(7, 11), "0", "40", Basis.FREE, organisation=group)
    priced(room, at(8, 10), at(8, 11), "0", "20", Basis.ALLOWANCE)
    priced(
        room,
        at(9, 10),
        at(9, 14),
        "0",
        "80",
        Basis.FUND,
        organisation=group,
        fund=hours_fund,
        fund_drawn=Decimal(4),
    )
    priced(
        room,
        at(12, 10),
        at(12, 12),
        "10",
        "40",
        Basis.FUND,
        organisation=charity,
        fund=money_fund,
        fund_drawn=Decimal(30),
    )
    priced(room, at(13, 10), at(13, 12), None, None, "", organisation=charity)
    priced(room, at(31, 16), at(1, 10, month=2), "50", "100", Basis.REDUCED, organisation=charity)
    priced(
        room,
        at(31, 16, month=12, year=2026),
        at(1, 10),
        "0",
        "100",
        Basis.FREE,
        organisation=charity,
    )
    priced(
        room,
        at(14, 10),
        at(14, 12),
        "5",
        "40",
        Basis.REDUCED,
        organisation=charity,
        status=Booking.Status.CANCELLED,
    )
    priced(
        room,
        at(15, 10),
        at(15, 12),
        "40",
        "40",
        Basis.FULL,
        organisation=business,
        status=Booking.Status.PENDING,
    )
    for _ in range(2):
        priced(pool, at(20, 9), at(20, 13), "0", "12", Basis.ALLOWANCE)
    return {"room": room, "pool": pool}


def stats_url(venue) -> str:
    return reverse("stats:venue", kwargs={"venue_slug": venue.slug})


def export(client, venue, name: str) -> dict[str, dict]:
    response = client.get(stats_url(venue), {**JANUARY, "_export": "csv", "_table": name})
    assert response.status_code == 200
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    first = next(iter(lines[0]))
    return {line[first]: line for line in lines}


def test_hours_are_split_by_how_they_were_priced_and_add_up_to_the_booked_hours(venue, scene):
    stats = compute_stats(venue, JANUARY_PERIOD)
    by_price = stats.by_price

    assert by_price[FULL].room_hours == pytest.approx(2)
    assert by_price[REDUCED].room_hours == pytest.approx(6)  # 3 + 2 + the hour before 1 February
    assert by_price[FREE].room_hours == pytest.approx(8)  # 2 + 1 + 4 + the hour after 1 January
    assert by_price[UNPRICED].room_hours == pytest.approx(2)
    assert sum(by_price[key].room_hours for key in (FULL, REDUCED, FREE, UNPRICED)) == (
        pytest.approx(stats.rooms.booked_hours)
    )
    assert stats.rooms.booked_hours == pytest.approx(18)
    # Desk pools apart, in seat-hours.
    assert by_price[FREE].desk_seat_hours == pytest.approx(8)
    assert by_price[FULL].desk_seat_hours == 0
    assert stats.desks.booked_hours == pytest.approx(8)


def test_community_fund_hours_are_the_booked_hours_of_bookings_drawing_a_fund(venue, scene):
    stats = compute_stats(venue, JANUARY_PERIOD)

    funded = stats.by_price[FUNDED]
    assert funded.room_hours == pytest.approx(6)
    assert funded.room_hirings == 2
    assert funded.income == Decimal("10")
    assert funded.in_kind == Decimal("110")
    assert stats.fund_money_drawn == Decimal("30")  # the hours fund's 4 hours are not money


def test_income_and_in_kind_value_go_with_the_hirings_starting_in_the_period(venue, scene):
    stats = compute_stats(venue, JANUARY_PERIOD)

    assert stats.income == Decimal("130")
    assert stats.in_kind == Decimal("274")
    assert stats.by_price[REDUCED].room_hirings == 3
    assert stats.by_price[REDUCED].in_kind == Decimal("110")
    assert stats.by_price[FREE].room_hirings == 3  # 31 December's booking is December's hiring
    assert stats.by_price[FREE].room_in_kind == Decimal("140")
    assert stats.by_price[FREE].desk_in_kind == Decimal("24")
    assert stats.hirings == 10
    assert (stats.priced_hirings, stats.unpriced_hirings) == (9, 1)
    assert isinstance(stats.income, Decimal)


def test_income_by_kind_of_hirer_has_individual_members_as_their_own_row(venue, scene):
    stats = compute_stats(venue, JANUARY_PERIOD)
    income = {key: mix.income for key, mix in stats.by_kind.items()}

    assert income == {
        Organisation.Kind.BUSINESS: Decimal("40"),
        Organisation.Kind.CHARITY: Decimal("90"),
        Organisation.Kind.COMMUNITY_GROUP: Decimal("0"),
        INDIVIDUAL: Decimal("0"),
    }
    assert stats.by_kind[Organisation.Kind.CHARITY].priced_hirings == 3  # not the unpriced one
    assert stats.by_kind[INDIVIDUAL].priced_hirings == 3  # one room hiring, two desks


def test_the_next_month_gets_the_hours_but_not_the_money_of_a_booking_across_its_start(
    venue, scene
):
    stats = compute_stats(venue, Period(date(2027, 2, 1), date(2027, 2, 28)))

    assert stats.by_price[REDUCED].room_hours == pytest.approx(1)  # 09:00–10:00 on 1 February
    assert stats.by_price[REDUCED].hirings == 0
    assert stats.income == 0
    assert stats.in_kind == 0


def _night_venue():
    venue = VenueFactory(open_every_day=False)
    for weekday in range(7):
        OpeningHoursFactory(venue=venue, weekday=weekday, opens="00:00", closes="04:00")
    return venue


def test_free_hours_on_the_spring_forward_day_are_the_real_hours():
    venue = _night_venue()
    room = SpaceFactory(venue=venue)
    day = date(2026, 3, 29)
    # 00:00 GMT to 04:00 BST: three real hours.
    priced(room, at(29, 0, 3, 2026), at(29, 3, 3, 2026), "0", "60", Basis.FREE)

    stats = compute_stats(venue, Period(day, day))

    assert stats.by_price[FREE].room_hours == pytest.approx(3)
    assert stats.in_kind == Decimal("60")


def test_a_period_with_only_bookings_made_before_prices_says_so_and_shows_no_free_hours(
    client, manager, venue, room
):
    BookingFactory(space=room, starts_at=at(5, 10), ends_at=at(5, 12))
    client.force_login(manager)

    response = client.get(stats_url(venue), JANUARY)

    page = response.content.decode()
    assert "The 1 hiring of this period was made before the venue had prices" in page
    assert "it is not counted as free" in page
    assert "Subsidised room hours" not in page
    assert 'id="by-price"' not in page
    assert response.context["stats"].by_price[UNPRICED].room_hours == pytest.approx(2)


def test_the_stats_page_shows_the_figures_and_its_csv_has_the_same(client, manager, venue, scene):
    client.force_login(manager)

    response = client.get(stats_url(venue), JANUARY)

    page = response.content.decode()
    assert "Not available until prices exist." not in page
    assert "£130.00" in page and "£274.00" in page and "£30.00" in page
    assert "Income and in-kind value cover 9 of 10 hirings; 1 was made before" in page
    assert "Subsidised room hours</dt><dd>14.0" in page  # 8 free + 6 reduced
    assert "Community-fund room hours</dt><dd>6.0" in page
    prices = export(client, venue, "price")
    free = prices["Free (paid nothing)"]
    assert free["Booked room hours"] == "8.0"
    assert free["Booked desk seat-hours"] == "8.0"
    assert free["Hirings"] == "5"
    assert free["In-kind value"] == "164.00"
    assert free["Income"] == "0.00"
    assert prices["Reduced rate (paid less than the full rate)"]["Income"] == "90.00"
    assert prices["Not priced (made before the venue had prices)"]["Hirings"] == "1"
    # No money is known of those: blank in the CSV, "not priced" on the page, never £0.00.
    assert prices["Not priced (made before the venue had prices)"]["Income"] == ""
    assert prices["Drawing a community fund (also counted above)"]["Booked room hours"] == "6.0"
    table = response.context["tables"]["price"]
    for row in table.rows:
        exported = prices[row.get_cell_value("label")]
        if exported["In-kind value"]:
            assert f"£{exported['In-kind value']}" in row.get_cell("in_kind")
        else:
            assert row.get_cell("in_kind") == "not priced"
    kinds = export(client, venue, "kind")
    assert kinds["Charity"]["Income"] == "90.00"
    assert kinds["Individual member (no organisation)"]["Income"] == "0.00"
    assert "£90.00" in page


def test_the_funder_report_shows_them_with_their_definitions(client, manager, venue, scene):
    client.force_login(manager)

    response = client.get(stats_url(venue), {**JANUARY, "print": "1"})

    page = response.content.decode()
    assert "Report for funders and partners" in page
    assert "£130.00" in page and "£274.00" in page
    assert "Prices: full rate, reduced, free and community funds" in page
    assert "<dt>In-kind value</dt>" in page
    assert "Community-fund hours" in page


def test_the_number_of_queries_does_not_grow_with_the_number_of_priced_bookings(venue, scene):
    with CaptureQueriesContext(connection) as few:
        compute_stats(venue, JANUARY_PERIOD)
    fund = CommunityFundFactory(venue=venue, hours=None, amount=Decimal(500))
    for day in range(16, 31):
        priced(scene["room"], at(day, 14), at(day, 16), "15", "40", Basis.REDUCED)
        priced(
            scene["pool"],
            at(day, 9),
            at(day, 17),
            "2",
            "12",
            Basis.FUND,
            organisation=fund.organisation,
            fund=fund,
            fund_drawn=Decimal(10),
        )
    with CaptureQueriesContext(connection) as many:
        stats = compute_stats(venue, JANUARY_PERIOD)

    assert stats.income == Decimal("130") + 15 * Decimal("15") + 15 * Decimal("2")
    assert stats.fund_money_drawn == Decimal("30") + 15 * 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_space_with_no_charge_gives_free_hours_without_in_kind_value(venue, room):
    priced(room, at(5, 10), at(5, 12), "0", "0", Basis.FULL)

    stats = compute_stats(venue, JANUARY_PERIOD)

    assert stats.by_price[FREE].room_hours == pytest.approx(2)
    assert stats.in_kind == 0
