"""Attendance sheets and certificates as PDF, drawn with reportlab (pure Python).

Every text from people (names, organisations, titles, venues) goes into a ``Paragraph``,
whose mini-markup would read ``<``, ``>`` and ``&`` as tags: each is escaped first, so a
name such as ``<font size=90>`` prints as typed and cannot restyle or break the document.
Text is set in DejaVu Sans when the system has it (most Latin, Greek and Cyrillic letters),
else in the Bitstream Vera that ships with reportlab.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "CxSans"
_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
)
SHEET_HEADER = ("Name", "Organisation", "Country", "Checked in", "Signature")


@cache
def _font() -> str:
    """Register the first font found once per process; its name for the styles."""
    path = next(p for p in _CANDIDATES if p.exists())
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


def _style(size: float, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(
        f"cx{size}", fontName=_font(), fontSize=size, leading=leading or size * 1.25
    )


def text(value: Any, size: float = 10) -> Paragraph:
    """Untrusted text as a paragraph that shows exactly what was typed."""
    return Paragraph(escape("" if value is None else str(value)), _style(size))


def _days(days: Iterable[date]) -> str:
    return ", ".join(day.isoformat() for day in days)


def _build(flowables: Sequence[Any], title: str, pagesize=A4) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, title=title, leftMargin=15 * mm, rightMargin=15 * mm
    )
    document.build(list(flowables))
    return buffer.getvalue()


def attendance_sheet(event: dict[str, Any], rows: Sequence[dict[str, Any]]) -> bytes:
    """The day's sheet: programme, date, venue, then one row per participant to sign."""
    header = [text(label, 9) for label in SHEET_HEADER]
    body = [
        [
            text(row["name"]),
            text(row["organisation"]),
            text(row["country"]),
            text(row["checked_in_at"].strftime("%H:%M UTC") if row["checked_in_at"] else ""),
            "",
        ]
        for row in rows
    ]
    table = Table([header, *body], colWidths=[70 * mm, 75 * mm, 22 * mm, 28 * mm, 70 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
                ("TOPPADDING", (0, 1), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
            ]
        )
    )
    heading = [
        text(f"Attendance sheet: {event['title']}", 15),
        text(f"Date: {event['day'].isoformat()} · Venue: {event['venue']}", 10),
        Spacer(1, 6 * mm),
    ]
    return _build([*heading, table], f"Attendance sheet {event['day'].isoformat()}", landscape(A4))


def certificate(event: dict[str, Any], name: str, days: Sequence[date]) -> bytes:
    """A certificate that ``name`` attended the event on ``days``."""
    return _build(
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
            text(f"on {_days(days)} ({len(days)} day{'s' if len(days) != 1 else ''}).", 12),
        ],
        "Certificate of attendance",
    )
