"""What a member does through the real pages of a live server, each step as a browser does it.

Each action returns an `Outcome`: "done" (with the booking id the server redirected to),
"refused" (the page said no with a form error: the sentence is kept) or "other" (anything else:
a 500, an unexpected page), with every response it took, for the load test's figures.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, time

from tests.live.visitors import Response, Visitor

BOOKING_PATH = re.compile(r"^/bookings/(\d+)/$")
ERROR_ITEM = re.compile(r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', re.S)
SHOWN_PRICE = re.compile(r'name="shown_price" value="([^"]*)"')
MESSAGE = re.compile(r'<p class="message message-(\w+)">(.*?)</p>', re.S)
REQUEST_TICK = re.compile(r'name="selected" value="(\d+)"')


@dataclass
class Outcome:
    kind: str  # "done", "refused" or "other"
    booking_id: int | None = None
    message: str = ""
    responses: list[Response] = field(default_factory=list)

    @property
    def last(self) -> Response:
        return self.responses[-1]


def booking_id(response: Response) -> int | None:
    """The booking a redirect goes to (/bookings/<id>/), if it goes to one."""
    if response.status != 302:
        return None
    match = BOOKING_PATH.match(response.location.split("?")[0].removeprefix("http://testserver"))
    return int(match.group(1)) if match else None


def refusal(response: Response) -> str:
    """The form's first error, as the page shows it ('' if the page shows none)."""
    if "error-summary" not in response.text:
        return ""
    match = ERROR_ITEM.search(response.text)
    return html.unescape(match.group(1)).strip() if match else "(a field error)"


def _form(day: date, starts: time, ends: time) -> dict[str, str]:
    return {"date": day.isoformat(), "start_time": f"{starts:%H:%M}", "end_time": f"{ends:%H:%M}"}


def book(
    visitor: Visitor, space_path: str, day: date, starts: time, ends: time, title: str
) -> Outcome:
    """Book through the form: "Check and book" (the check step with the price), then "Book"."""
    path = f"{space_path}book/"
    outcome = Outcome("other")
    if not visitor.csrf_token:
        outcome.responses.append(visitor.get(path))
    data = {
        **_form(day, starts, ends),
        "title": title,
        "purpose": "",
        "activity": "",
        "attendees": "1",
        "organisation": "",
    }
    check = visitor.post(path, data)
    outcome.responses.append(check)
    if check.status != 200:
        return outcome
    if message := refusal(check):
        return Outcome("refused", message=message, responses=outcome.responses)
    price = SHOWN_PRICE.search(check.text)
    if not price:
        return outcome
    confirm = visitor.post(path, {**data, "confirm": "1", "shown_price": price.group(1)})
    outcome.responses.append(confirm)
    if (pk := booking_id(confirm)) is not None:
        return Outcome("done", booking_id=pk, responses=outcome.responses)
    if confirm.status == 200 and (message := refusal(confirm)):
        # Taken between the check and "Book": someone else's booking came first.
        return Outcome("refused", message=message, responses=outcome.responses)
    return outcome


def move(
    visitor: Visitor,
    pk: int,
    *,
    space_id: int,
    day: date,
    starts: time,
    ends: time,
    title: str,
) -> Outcome:
    """Move a booking through its "Change" form (another time and perhaps another space)."""
    path = f"/bookings/{pk}/change/"
    data = {
        "space": str(space_id),
        **_form(day, starts, ends),
        "title": title,
        "purpose": "",
        "activity": "",
        "attendees": "1",
        "setup_notes": "",
    }
    response = visitor.post(path, data)
    if (moved := booking_id(response)) is not None:
        return Outcome("done", booking_id=moved, responses=[response])
    if response.status == 400 and (message := refusal(response)):
        return Outcome("refused", message=message, responses=[response])
    return Outcome("other", responses=[response])


def said(response: Response) -> list[tuple[str, str]]:
    """The messages a page shows (level, text): what the last action said."""
    return [(level, html.unescape(text).strip()) for level, text in MESSAGE.findall(response.text)]


def _followed(visitor: Visitor, posted: Response, done: str, pk: int) -> Outcome:
    """After a POST that redirects back with a message: "done" if it says `done`, "refused"
    with the error it shows, else "other"."""
    if posted.status != 302:
        return Outcome("other", responses=[posted])
    page = visitor.get(posted.location)
    messages = said(page) if page.status == 200 else []
    if any(level == "success" and text.startswith(done) for level, text in messages):
        return Outcome("done", booking_id=pk, responses=[posted, page])
    errors = [text for level, text in messages if level == "error"]
    if errors:
        return Outcome("refused", booking_id=pk, message=errors[0], responses=[posted, page])
    return Outcome("other", responses=[posted, page])


def cancel(visitor: Visitor, pk: int) -> Outcome:
    """Cancel from the booking's page, then read the page it goes back to for what it said."""
    posted = visitor.post(f"/bookings/{pk}/cancel/", {"reason": ""})
    if booking_id(posted) != pk:
        return Outcome("other", responses=[posted])
    return _followed(visitor, posted, "Cancelled: ", pk)


def pending_requests(visitor: Visitor) -> Outcome:
    """The manager's requests page; `message` holds the ids waiting, comma-separated."""
    page = visitor.get("/manage/requests/")
    if page.status != 200 or "Booking requests" not in page.text:
        return Outcome("other", responses=[page])
    ids = ",".join(REQUEST_TICK.findall(page.text))
    return Outcome("done", message=ids, responses=[page])


def decide(visitor: Visitor, pk: int, *, approve: bool) -> Outcome:
    """Approve, or decline with a reason, one request, then read what the page said."""
    if approve:
        posted = visitor.post(f"/manage/requests/{pk}/approve/", {})
        return _followed(visitor, posted, "Approved: ", pk)
    posted = visitor.post(f"/manage/requests/{pk}/decline/", {"reason": "The hall is taken."})
    return _followed(visitor, posted, "Declined: ", pk)


def read(visitor: Visitor, path: str, expect: str) -> Outcome:
    """GET a page or feed that must answer 200 and contain `expect`."""
    response = visitor.get(path)
    if response.status == 200 and expect in response.text:
        return Outcome("done", responses=[response])
    return Outcome("other", responses=[response])


def unfolded(ics: str) -> str:
    """iCalendar text with its folded lines joined again (RFC 5545 3.1)."""
    return ics.replace("\r\n ", "").replace("\n ", "")
