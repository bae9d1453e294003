"""Read one iCalendar body with icalendar, vobject, ical.js and libical, and compare their texts.

Hostile text (line breaks, ``;``, ``,``, ``\\``, non-ASCII, emoji, a would-be ``BEGIN:VEVENT``)
must come back from every parser exactly as it went in, in exactly the components rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import vobject
from icalendar import Calendar

from tests import libical

# One line of everything a text property must escape or carry: the kinds of text a single-line
# field accepts. MULTI_LINE adds line breaks (CRLF, LF) and a would-be property injection.
ONE_LINE = "Ånna O'Brien; Müller, Straße \\ 北京 🎉 \\n ^ \" :mailto:x"
MULTI_LINE = ONE_LINE + "\r\nATTENDEE:mailto:evil@example.org\nEND:VEVENT\r\nBEGIN:VEVENT"
TEXTS = ("summary", "description", "location")
_ESCAPE = re.compile(r"\\([\\;,nN])")


def stored(text: str) -> str:
    """The text as the services store it: iCalendar and our fields keep LF as the one break."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_all(body: bytes, ical_js: Callable[[bytes], dict]) -> dict[str, dict]:
    """{parser: {"name": ..., "events": {uid: {summary, description, location}}}} per parser."""
    checked = libical.parse(body)
    assert checked.errors == [], checked.errors
    calendar = Calendar.from_ical(body)
    readers = {
        "icalendar": {
            "name": _unescaped(calendar.get("NAME")),
            "events": {
                str(e["UID"]): {k: _text(e.get(k.upper())) for k in TEXTS}
                for e in calendar.walk("VEVENT")
            },
        },
        "vobject": _vobject(body),
        "ical.js": _ical_js(ical_js(body)),
        "libical": {
            "name": checked.calname,
            "events": {e["uid"]: {k: e[k] or None for k in TEXTS} for e in checked.events},
        },
    }
    return readers


def _text(value) -> str | None:
    return None if value is None else str(value)


def _unescaped(value) -> str | None:
    """RFC 5545 TEXT unescaping, for parsers that read NAME (RFC 7986) as an unknown, raw value."""
    if value is None:
        return None
    raw = value.to_ical().decode("utf-8") if hasattr(value, "to_ical") else str(value)
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], raw)


def _vobject(body: bytes) -> dict:
    calendar = vobject.readOne(body.decode("utf-8"))
    names = calendar.contents.get("name")
    events = {}
    for event in calendar.contents.get("vevent", []):
        texts = {k: event.contents[k][0].value if k in event.contents else None for k in TEXTS}
        events[event.uid.value] = texts
    return {"name": names[0].value if names else None, "events": events}


def _ical_js(parsed: dict) -> dict:
    events = {e["uid"]: {k: e.get(k) for k in TEXTS} for e in parsed["events"]}
    return {"name": _unescaped(parsed.get("name")), "events": events}


def agreed(body: bytes, ical_js: Callable[[bytes], dict]) -> dict:
    """What all four parsers read alike (fails, showing the differences, if they do not agree)."""
    readers = read_all(body, ical_js)
    first = readers["icalendar"]
    for parser, read in readers.items():
        assert read == first, (parser, read, first)
    return first
