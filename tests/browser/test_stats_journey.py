"""A venue manager opens the stats page from the venue page and finds charts and tables that say the
same; the printed funder report fits A4; the public impact page is linked from the venue page."""

import os
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from bookings.models import Booking
from members.models import Organisation
from spaces.models import OpeningHours
from stats.periods import last_complete_months
from tests.factories import BookingFactory, DeskPoolFactory, OrganisationFactory

from .conftest import LONDON
from .helpers import page_overflow
from .steps import field

# A4 is 794 CSS pixels wide at 96 dpi; with the 15 mm margins the report is printed with, 681.
A4_MARGIN = "15mm"
A4_CONTENT_WIDTH = 794 - 2 * 57
KINDS = [
    Organisation.Kind.CHARITY,
    Organisation.Kind.COMMUNITY_GROUP,
    Organisation.Kind.SOCIAL_ENTERPRISE,
    Organisation.Kind.BUSINESS,
    Organisation.Kind.FREELANCER,
    Organisation.Kind.PUBLIC_BODY,
]


def prices(kind: str, desk: bool, hours: int, week: int) -> dict:
    """A price as the booking service would set it: rooms £20 an hour, desks £12 a desk-day;
    charities half price, community groups free, freelancers' desks within an allowance, public
    bodies' first four weeks made before the venue had prices."""
    full = Decimal(12) if desk else Decimal(20 * hours)
    basis = Booking.PriceBasis
    if kind == Organisation.Kind.PUBLIC_BODY and week < 4:
        return {}
    price, how = {
        Organisation.Kind.CHARITY: (full / 2, basis.REDUCED),
        Organisation.Kind.COMMUNITY_GROUP: (Decimal(0), basis.FREE),
        Organisation.Kind.FREELANCER: (Decimal(0), basis.ALLOWANCE),
    }.get(kind, (full, basis.FULL))
    return {"price": price, "full_price": full, "price_basis": how}


def give_the_venue_a_month_of_use(scene) -> int:
    """Three complete months of use (the stats page's default period) by six kinds of hirer, in the
    rooms and in a 20-seat desk pool, plus bookings still to come; returns the hirings of the three
    months."""
    today = datetime.now(LONDON).date()
    months = last_complete_months(today)
    scene.venue.opened_for_sharing_on = months.first - timedelta(days=60)
    scene.venue.baseline_weekly_hours = Decimal("6.0")
    scene.venue.save()
    scene.desks = DeskPoolFactory(venue=scene.venue, name="Hot desks", slug="hot-desks", seats=20)
    organisations = [
        OrganisationFactory(name=f"{kind.label} of Ladywood", slug=f"ladywood-{kind}", kind=kind)
        for kind in KINDS
    ]
    rooms = [scene.room, scene.hall, scene.small_room, scene.upstairs]
    hirings = 0
    for week in range(13):
        day = months.first + timedelta(days=7 * week)
        if day > months.last:
            break
        for n, organisation in enumerate(organisations):
            space = (
                scene.desks if organisation.kind == Organisation.Kind.FREELANCER else rooms[n % 4]
            )
            BookingFactory(
                space=space,
                booker=scene.charity_member,
                organisation=organisation,
                starts_at=scene.at(day, 9 + (n % 3) * 2),
                ends_at=scene.at(day, 10 + (n % 3) * 2 + (week % 2)),  # never overlapping
                title=f"Session {week}-{n}",
                attendees=5,
                activity="learning",
                **prices(organisation.kind, space is scene.desks, 1 + week % 2, week),
            )
            hirings += 1
    for days_ahead in (1, 8):  # still to come: not in the default period
        BookingFactory(
            space=scene.room,
            booker=scene.charity_member,
            starts_at=scene.at(today + timedelta(days=days_ahead), 9),
            ends_at=scene.at(today + timedelta(days=days_ahead), 17),
        )
    return hirings


def test_a_manager_opens_the_venue_stats_and_sees_charts_and_tables(contexts, scene, log_in):
    hirings = give_the_venue_a_month_of_use(scene)
    months = last_complete_months(datetime.now(LONDON).date())
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()

    page.goto(scene.venue.get_absolute_url())
    page.get_by_role("link", name=f"Stats for {scene.venue.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"How {scene.venue.name} is used")
    # It opens on the last three complete months, says so, and the picker shows those dates.
    expect(page.locator(".period-why")).to_contain_text(", the last three complete months.")
    expect(field(page, "Period")).to_have_value("custom")
    expect(field(page, "From")).to_have_value(months.first.isoformat())
    expect(field(page, "To (included)")).to_have_value(months.last.isoformat())

    charts = page.locator("figure.chart")
    # Occupancy, room hours by hirer, desk seat-hours by hirer, before and after, and the busy
    # hours of the rooms and of the desk pool.
    expect(charts).to_have_count(6)
    for index in range(6):
        chart = charts.nth(index)
        expect(chart.locator("svg").first).to_be_visible()
        expect(chart.get_by_role("img").first).to_have_attribute(
            "aria-label", re.compile(r"\w.{10,}")
        )
        box = chart.locator("svg").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, box

    headline = page.get_by_role("region", name="Headline figures")
    expect(headline.get_by_role("heading", name=re.compile("^Rooms and halls"))).to_be_visible()
    expect(headline.get_by_role("heading", name=re.compile("^Desk pools"))).to_be_visible()
    expect(headline.locator("dt", has_text="Hirings").locator("+ dd")).to_have_text(str(hirings))
    by_space = page.get_by_role("region", name="By space").get_by_role("table")
    for name in ("Garden room", "Main hall", "Snug", "Hot desks"):
        expect(by_space).to_contain_text(name)
    # The hirer mix and the activities: room hours and desk seat-hours in columns of their own.
    for section in ("Hirer mix: by kind of hirer", "Activities"):
        headers = page.get_by_role("region", name=section).locator("thead th")
        expect(headers.filter(has_text="Booked room hours")).to_have_count(1)
        expect(headers.filter(has_text="Booked desk seat-hours")).to_have_count(1)
        expect(headers.filter(has_text=re.compile("^Booked hours$"))).to_have_count(0)
    busy = page.get_by_role("region", name="When is it busy? Occupancy by weekday and hour")
    expect(busy.get_by_role("heading", level=3)).to_have_text(["Rooms and halls", "Desk pools"])
    expect(busy.locator("table.heatmap")).to_have_count(2)


def legend_items_overlap(page) -> list[str]:
    """Pairs of legend entries, in any chart, whose boxes overlap or that run past their chart."""
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].flatMap(figure => {
            const edge = figure.getBoundingClientRect();
            const items = [...figure.querySelectorAll('.chart-legend li')].map(li => [li.textContent, li.getBoundingClientRect()]);
            const problems = [];
            items.forEach(([text, r], i) => {
                if (r.right > edge.right + 1 || r.left < edge.left - 1) problems.push(`${text} runs out of its chart`);
                items.slice(i + 1).forEach(([other, o]) => {
                    if (r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom)
                        problems.push(`${text} overlaps ${other}`);
                });
            });
            return problems;
        })"""
    )


def test_chart_legends_stay_readable_on_a_desktop_and_a_phone(contexts, scene, log_in):
    give_the_venue_a_month_of_use(scene)
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.manager)
        page = context.new_page()
        page.goto(f"{scene.venue.get_absolute_url()}stats/")
        legend = page.locator("figure.chart").nth(1).locator(".chart-legend li")
        expect(legend).to_have_count(5)  # the kinds of hirer of the rooms
        expect(legend.filter(has_text="Social enterprise")).to_be_visible()
        assert legend_items_overlap(page) == []
        size = legend.first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 14, size
        assert page_overflow(page) == 0


def test_the_printed_funder_report_fits_the_weekday_by_hour_table_on_a4(contexts, scene, log_in):
    give_the_venue_a_month_of_use(scene)
    # A long day (07:00-22:00) gives the weekday x hour table fifteen hour columns.
    OpeningHours.objects.filter(venue=scene.venue).update(opens=time(7), closes=time(22))
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1100})
    page.emulate_media(media="print")
    page.goto(f"{scene.venue.get_absolute_url()}stats/?print=1")

    for table in page.locator("table").all():
        widths = table.evaluate(
            "t => ({scroll: t.scrollWidth, client: t.parentElement.clientWidth, right: t.getBoundingClientRect().right})"
        )
        assert widths["scroll"] <= widths["client"], widths
        assert widths["right"] <= A4_CONTENT_WIDTH, widths
    heatmaps = page.locator("table.heatmap")
    expect(heatmaps).to_have_count(2)  # the rooms', then the desk pool's
    for heatmap in heatmaps.all():
        expect(heatmap.locator("thead th").last).to_be_visible()
        expect(heatmap.locator("thead th")).to_have_count(16)
    # FUNDER_REPORT_PDF=/tmp/report.pdf keeps the printed report, to look at (pdftoppm makes PNGs).
    if os.environ.get("FUNDER_REPORT_PDF"):
        page.pdf(
            path=os.environ["FUNDER_REPORT_PDF"],
            format="A4",
            margin={side: A4_MARGIN for side in ("top", "bottom", "left", "right")},
            print_background=True,
        )


def test_the_venue_page_links_its_published_impact_page(contexts, scene):
    give_the_venue_a_month_of_use(scene)
    page = contexts.page()
    page.goto(scene.venue.get_absolute_url())
    expect(page.get_by_role("link", name=re.compile("its impact in figures"))).to_have_count(0)
    scene.venue.publish_impact = True
    scene.venue.save()
    page.reload()
    page.get_by_role("link", name=re.compile("its impact in figures")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"What {scene.venue.name} is used for"
    )
    expect(page.locator(".period-why")).to_contain_text("the last three complete months")
    # Kinds of hirer and activities: a table of the rooms and one of the desk pool, each with
    # its own charts; nothing adds room hours to seat-hours.
    for section in ("Kinds of hirer", "Activities"):
        region = page.get_by_role("region", name=section)
        expect(region.get_by_role("heading", level=3)).to_have_text(
            ["Rooms and halls, in hours", "Desk pools, in seat-hours"]
        )
        expect(region.locator("thead th", has_text="Booked room hours")).to_have_count(1)
        expect(region.locator("thead th", has_text="Booked seat-hours")).to_have_count(1)
    titles = page.locator("figure.chart figcaption strong")
    expect(titles.filter(has_text="Booked room hours by kind of hirer")).to_have_count(1)
    expect(titles.filter(has_text=re.compile("^Booked hours by kind of hirer"))).to_have_count(0)


def test_a_member_who_does_not_manage_the_venue_cannot_open_its_stats(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    response = page.goto(f"{scene.venue.get_absolute_url()}stats/")
    assert response.status == 404
    page.goto(scene.venue.get_absolute_url())
    expect(page.get_by_role("link", name=re.compile("^Stats for"))).to_have_count(0)
