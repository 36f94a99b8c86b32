"""Steps shared by the journeys: finding a slot in the week grid and booking it."""

import re
from datetime import date, datetime

from playwright.sync_api import Page, expect

from .conftest import LONDON


def week_needs_next(day: date) -> bool:
    """Whether `day` lies after the week the space page shows first (the current one, in London)."""
    today = datetime.now(LONDON).date()
    return (day - today).days > 6 - today.weekday()


def grid_cell(page: Page, day: date, wall_time: str):
    """The week grid's cell for `day` at `wall_time` (e.g. "14:00"): columns run Monday to Sunday."""
    row = page.locator("table.week-grid tbody tr").filter(
        has=page.get_by_role("rowheader", name=wall_time, exact=True)
    )
    return row.locator("td").nth(day.weekday())


def free_cell_link(page: Page, day: date, wall_time: str):
    cell = grid_cell(page, day, wall_time)
    link = cell.get_by_role("link", name=re.compile(r"^Free"))
    return link


def show_week_of(page: Page, day: date, *, tap: bool = False) -> None:
    """Go to the week of `day` unless the grid shows it already (a link from the filter opens it)."""
    shown = page.locator("table.week-grid thead").inner_text()
    if not re.search(rf"\b{day.day} {day:%b}\b", shown) and week_needs_next(day):
        link = page.get_by_role("link", name=re.compile("Next week"))
        link.tap() if tap else link.click()
        expect(page).to_have_url(re.compile(r"week="))
    expect(page.locator("table.week-grid thead")).to_contain_text(f"{day.day} {day:%b}")


def status_of(page: Page):
    return page.locator(".status").first


def field(scope, label: str):
    """The control labelled exactly `label` (Django adds a colon to labels: ignore it)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))


class Keyboard:
    """Moves through a page with Tab and Shift+Tab only, noting every stop that has no visible focus mark."""

    def __init__(self, page: Page, *, limit: int = 300) -> None:
        self.page = page
        self.limit = limit
        self.unmarked: list[str] = []
        self.browser_ring_only: list[str] = []

    def _stop(self) -> dict:
        from .helpers import focus_report

        report = focus_report(self.page)
        if report["tag"] != "body" and not report["visible"]:
            (self.browser_ring_only if report.get("picker") else self.unmarked).append(
                f"{self.page.url}: <{report['tag']}> {report['text'] or report['href'] or report['name']}"
            )
        return report

    def tab_to(self, matches, *, what: str, backwards: bool = False) -> dict:
        """Press Tab (or Shift+Tab) until `matches(focus)` is true; fail after `limit` presses."""
        for _ in range(self.limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            report = self._stop()
            if matches(report):
                return report
        raise AssertionError(f"could not reach {what} with the keyboard on {self.page.url}")

    def tab(self, *, backwards: bool = False) -> dict:
        self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        return self._stop()


def check_and_book(page: Page, *, tap: bool = False, request: bool = False) -> None:
    """Send the booking form, see the price on the check step, then book (or send the request)."""
    first, then = (
        ("Check and send request", "Send request") if request else ("Check and book", "Book")
    )
    button = page.get_by_role("button", name=first, exact=True)
    button.tap() if tap else button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and book")
    book = page.get_by_role("button", name=then, exact=True)
    book.tap() if tap else book.click()
