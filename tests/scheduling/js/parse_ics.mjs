// Parse an iCalendar feed from stdin with Mozilla ical.js and print what it understood as JSON.
// Times are resolved through the feed's own VTIMEZONEs (ical.js ships no Olson data),
// so a missing or wrong VTIMEZONE shows up as a wrong UTC time or a "floating" zone.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const utc = ICAL.Timezone.utcTimezone;

function moment(time) {
  if (time.isDate) {
    return { date: time.toString(), zone: null };
  }
  return { utc: time.convertToZone(utc).toString(), zone: time.zone.tzid };
}

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    start: moment(event.startDate),
    end: moment(event.endDate),
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    categories: vevent.getAllProperties("categories").flatMap((prop) => prop.getValues()),
  };
});

console.log(
  JSON.stringify({
    name: calendar.getFirstPropertyValue("name"),
    refreshInterval: calendar.getFirstPropertyValue("refresh-interval")?.toString() ?? null,
    timezones: calendar
      .getAllSubcomponents("vtimezone")
      .map((vtimezone) => vtimezone.getFirstPropertyValue("tzid")),
    events,
  }),
);
