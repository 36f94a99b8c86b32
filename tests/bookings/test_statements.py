"""Monthly statements: the total is the sum of the lines, months are the venue's, unpriced
bookings are said to be so, the CSV says what the page says, and who may open which."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.statements import member_statement, organisation_statement, parse_month
from tests.factories import (
    BookingFactory,
    DeskPoolFactory,
    MemberFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PricedBookingFactory,
)

pytestmark = pytest.mark.django_db
JANUARY = parse_month("2027-01")


@pytest.fixture
def charity(db):
    return OrganisationFactory(name="Ladywood Food Bank", slug="food-bank", org_id="GB-CHC-1100001")


@pytest.fixture
def org_admin(charity):
    return OrganisationAdminFactory(organisation=charity).member


@pytest.fixture
def volunteer(charity):
    return OrganisationMembershipFactory(organisation=charity).member


def for_charity(room, charity, booker, starts_at, **kwargs) -> Booking:
    return PricedBookingFactory(
        space=room, organisation=charity, booker=booker, starts_at=starts_at, **kwargs
    )


def test_the_total_is_the_sum_of_the_lines_and_excludes_pending_and_cancelled(
    room, charity, org_admin
):
    prices = [Decimal("12.50"), Decimal("7.33"), Decimal("0.01"), Decimal("0.00")]
    for day, price in enumerate(prices, start=5):
        for_charity(room, charity, org_admin, datetime(2027, 1, day, 10, tzinfo=UTC), price=price)
    for_charity(room, charity, org_admin, datetime(2027, 1, 20, 10, tzinfo=UTC), status="pending")
    for_charity(room, charity, org_admin, datetime(2027, 1, 21, 10, tzinfo=UTC), status="cancelled")
    statement = organisation_statement(organisation=charity, venue=room.venue, month=JANUARY)
    assert [line.booking.price for line in statement.lines] == prices
    assert statement.total == sum(prices) == Decimal("19.84")
    assert len(statement.pending) == 1


def test_a_month_is_the_venues_month(room, charity, org_admin):
    # 23:30 on 31 January in London (UTC in winter) is January's; 00:30 on 1 February is not.
    late = for_charity(room, charity, org_admin, datetime(2027, 1, 31, 23, 30, tzinfo=UTC))
    for_charity(room, charity, org_admin, datetime(2027, 2, 1, 0, 30, tzinfo=UTC))
    statement = organisation_statement(organisation=charity, venue=room.venue, month=JANUARY)
    assert [line.booking for line in statement.lines] == [late]


def test_a_month_follows_the_venues_summer_time(room, charity, org_admin):
    # 23:30 on 30 June in London is 22:30 UTC: June. 23:30 UTC on 30 June is 00:30 on 1 July.
    june = for_charity(room, charity, org_admin, datetime(2027, 6, 30, 22, 30, tzinfo=UTC))
    july = for_charity(room, charity, org_admin, datetime(2027, 6, 30, 23, 30, tzinfo=UTC))
    venue = room.venue
    assert [
        line.booking
        for line in organisation_statement(
            organisation=charity, venue=venue, month=parse_month("2027-06")
        ).lines
    ] == [june]
    assert [
        line.booking
        for line in organisation_statement(
            organisation=charity, venue=venue, month=parse_month("2027-07")
        ).lines
    ] == [july]


def test_unpriced_bookings_are_listed_as_not_priced_and_not_counted(room, charity, org_admin):
    for_charity(room, charity, org_admin, datetime(2027, 1, 5, 10, tzinfo=UTC))
    BookingFactory(
        space=room,
        organisation=charity,
        booker=org_admin,
        starts_at=datetime(2027, 1, 6, 10, tzinfo=UTC),
    )
    statement = organisation_statement(organisation=charity, venue=room.venue, month=JANUARY)
    assert statement.total == Decimal("12.50")
    assert len(statement.unpriced) == 1


def test_a_members_statement_is_what_they_booked_for_themselves(room, charity, member):
    OrganisationMembershipFactory(organisation=charity, member=member)
    own = PricedBookingFactory(space=room, booker=member)
    for_charity(room, charity, member, datetime(2027, 1, 6, 10, tzinfo=UTC))
    PricedBookingFactory(
        space=room, booker=MemberFactory(), starts_at=datetime(2027, 1, 7, 10, tzinfo=UTC)
    )
    statement = member_statement(member=member, venue=room.venue, month=JANUARY)
    assert [line.booking for line in statement.lines] == [own]


def cells(html: str, table_class: str = "statement-table") -> list[list[str]]:
    body = html.split(f'class="bookings-table {table_class}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody", 1)[1], re.S)
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_the_page_shows_each_line_and_the_csv_says_the_same(client, room, charity, org_admin):
    desks = DeskPoolFactory(venue=room.venue, name="Hot desks")
    for_charity(
        room,
        charity,
        org_admin,
        datetime(2027, 1, 5, 10, tzinfo=UTC),
        ends_at=datetime(2027, 1, 5, 11, 30, tzinfo=UTC),
        title="=HYPERLINK()",
        price=Decimal("9.00"),
        full_price=Decimal("18.00"),
        price_basis="reduced",
    )
    for_charity(
        desks,
        charity,
        org_admin,
        datetime(2027, 1, 6, 9, tzinfo=UTC),
        price=Decimal("0.00"),
        full_price=Decimal("15.00"),
        price_basis="allowance",
    )
    BookingFactory(
        space=room,
        organisation=charity,
        booker=org_admin,
        starts_at=datetime(2027, 1, 7, 10, tzinfo=UTC),
        title="Old booking",
    )
    client.force_login(org_admin)
    url = reverse("bookings:organisation_statement", args=["food-bank", room.venue.slug, "2027-01"])
    page = client.get(url).content.decode()
    rows = cells(page)
    assert len(rows) == 3
    assert rows[0][4:] == ["1.50 h", "£18.00", "Reduced rate", "—", "£9.00"]
    assert rows[1][4] == "1 desk-day"
    assert rows[2][-1] == "— Not priced"
    assert "£9.00" in page.split('class="statement-total"')[1]
    assert "1 booking was made before the venue had prices" in page
    download = client.get(url + "?_export=csv")
    assert download["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0][0] == "Date" and lines[0][-1] == "Price"
    assert len(lines[1:4]) == len(rows)
    assert [line[2] for line in lines[1:4]] == [
        "'=HYPERLINK()",
        "Booking " + lines[2][2].split()[-1],
        "Old booking",
    ]
    assert [line[-1] for line in lines[1:4]] == ["9.00", "0.00", "Not priced"]
    assert lines[4][0] == "Total (GBP)" and lines[4][-1] == "9.00"
    printed = client.get(url + "?print=1").content.decode()
    assert 'class="site-header"' not in printed
    assert "Prepared on" in printed and "GB-CHC-1100001" in printed
    assert room.venue.address in printed and "Ladywood Food Bank" in printed


STATEMENT_PAGES = ("statement", "csv", "print", "bookings")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", {"statement": 302, "csv": 302, "print": 302, "bookings": 302}),
        ("other", {"statement": 404, "csv": 404, "print": 404, "bookings": 404}),
        ("volunteer", {"statement": 404, "csv": 404, "print": 404, "bookings": 403}),
        ("org_admin", {"statement": 200, "csv": 200, "print": 200, "bookings": 200}),
        ("manager", {"statement": 200, "csv": 200, "print": 200, "bookings": 404}),
        ("other_manager", {"statement": 404, "csv": 404, "print": 404, "bookings": 404}),
    ],
)
def test_who_may_open_an_organisations_statement_and_bookings(
    client, room, charity, org_admin, volunteer, other_member, manager, who, expected
):
    from tests.factories import VenueFactory

    elsewhere = VenueFactory(name="Elsewhere")
    elsewhere_manager = MemberFactory()
    elsewhere.managers.add(elsewhere_manager)
    people = {
        "other": other_member,
        "volunteer": volunteer,
        "org_admin": org_admin,
        "manager": manager,
        "other_manager": elsewhere_manager,
    }
    if who in people:
        client.force_login(people[who])
    statement = reverse(
        "bookings:organisation_statement", args=["food-bank", room.venue.slug, "2027-01"]
    )
    urls = {
        "statement": statement,
        "csv": statement + "?_export=csv",
        "print": statement + "?print=1",
        "bookings": reverse("bookings:organisation_bookings", args=["food-bank"]),
    }
    assert {name: client.get(url).status_code for name, url in urls.items()} == expected


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("owner", 200), ("other", 404), ("manager", 200)]
)
def test_who_may_open_a_members_statement(
    client, room, member, other_member, manager, who, expected
):
    PricedBookingFactory(space=room, booker=member)
    people = {"owner": member, "other": other_member, "manager": manager}
    if who in people:
        client.force_login(people[who])
    url = reverse("bookings:member_statement", args=[room.venue.slug, member.pk, "2027-01"])
    if who == "owner":
        url = reverse("bookings:my_statement", args=[room.venue.slug, "2027-01"])
    assert client.get(url).status_code == expected


def test_a_month_that_is_not_one_is_a_404_and_the_picker_redirects(client, room, member):
    client.force_login(member)
    assert (
        client.get(reverse("bookings:my_statement", args=[room.venue.slug, "2027-13"])).status_code
        == 404
    )
    url = reverse("bookings:my_statement", args=[room.venue.slug, "2027-01"])
    response = client.get(url, {"month": "2027-03", "venue": room.venue.slug})
    assert response.status_code == 302 and response.url.endswith("/2027-03/")
    assert (
        client.get(url, {"month": "March", "venue": room.venue.slug}, follow=True).status_code
        == 200
    )


def test_the_organisations_bookings_are_filtered_by_month(client, room, charity, org_admin):
    for_charity(room, charity, org_admin, datetime(2027, 1, 5, 10, tzinfo=UTC), title="In January")
    for_charity(room, charity, org_admin, datetime(2027, 2, 5, 10, tzinfo=UTC), title="In February")
    client.force_login(org_admin)
    page = client.get(
        reverse("bookings:organisation_bookings", args=["food-bank"]), {"month": "2027-01"}
    ).content.decode()
    assert "In January" in page and "In February" not in page
    assert (
        reverse("bookings:organisation_statement", args=["food-bank", room.venue.slug, "2027-01"])
        in page
    )


def test_the_managers_bookings_list_links_to_the_statement(
    client, room, charity, manager, frozen_now
):
    for_charity(room, charity, manager, datetime(2027, 1, 5, 10, tzinfo=UTC))
    client.force_login(manager)
    page = client.get(reverse("bookings:venue_bookings", args=[room.venue.slug])).content.decode()
    assert (
        reverse("bookings:organisation_statement", args=["food-bank", room.venue.slug, "2027-01"])
        in page
    )
