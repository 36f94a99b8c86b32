// Read an iCalendar document on stdin with ical.js (Thunderbird's parser) and print, as JSON,
// what a calendar client would see: the calendar's METHOD and each event's UID, UTC start/end,
// STATUS, SEQUENCE, SUMMARY, LOCATION and DESCRIPTION. Used by tests/feeds/test_ical_js.py.
import ICAL from "ical.js";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

const calendar = new ICAL.Component(ICAL.parse(input));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    summary: event.summary,
    location: event.location,
    description: event.description,
  };
});
process.stdout.write(JSON.stringify({
  method: calendar.getFirstPropertyValue("method"),
  name: calendar.getFirstPropertyValue("x-wr-calname"),
  rfc7986_name: calendar.getFirstPropertyValue("name"),
  events,
}));
