"""Attendance sheets and certificates of an event or a study visit, as PDF (``shared.pdf``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from shared.pdf import build, days_text, text

SHEET_HEADER = ("Name", "Organisation", "Country", "Checked in", "Signature")
SHEET_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 9),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
    ]
)


def _row(row: dict[str, Any]) -> list[Any]:
    checked = row["checked_in_at"]
    when = checked.strftime("%H:%M UTC") if checked else ""
    return [text(row["name"]), text(row["organisation"]), text(row["country"]), text(when), ""]


def attendance_sheet(event: dict[str, Any], rows: Sequence[dict[str, Any]]) -> bytes:
    """The day's sheet: programme, date, venue, then one row per participant to sign."""
    header = [text(label, 9) for label in SHEET_HEADER]
    widths = [70 * mm, 75 * mm, 22 * mm, 28 * mm, 70 * mm]
    table = Table([header, *map(_row, rows)], colWidths=widths, repeatRows=1)
    table.setStyle(SHEET_STYLE)
    day = event["day"].isoformat()
    heading = [
        text(f"Attendance sheet: {event['title']}", 15),
        text(f"Date: {day} · Venue: {event['venue']}", 10),
        Spacer(1, 6 * mm),
    ]
    return build([*heading, table], f"Attendance sheet {day}", landscape(A4))


def certificate(event: dict[str, Any], name: str, days: Sequence[date]) -> bytes:
    """A certificate that ``name`` attended the event on ``days``."""
    count = f"{len(days)} day{'s' if len(days) != 1 else ''}"
    return build(
        [
            Spacer(1, 40 * mm),
            text("Certificate of attendance", 24),
            Spacer(1, 12 * mm),
            text("This certifies that", 12),
            Spacer(1, 4 * mm),
            text(name, 18),
            Spacer(1, 4 * mm),
            text(f"attended {event['title']}", 12),
            text(f"at {event['venue']}", 12),
            text(f"on {days_text(days)} ({count}).", 12),
        ],
        "Certificate of attendance",
    )
