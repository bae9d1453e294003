"""PDF building blocks (reportlab, pure Python) for the services' attendance documents.

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
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

FONT = "CxSans"
_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
)
MARGIN = 42.5  # 15 mm in points


@cache
def _font() -> str:
    """Register the first font found, once per process; its name for the styles."""
    path = next(p for p in _CANDIDATES if p.exists())
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


@cache
def _style(size: float) -> ParagraphStyle:
    return ParagraphStyle(f"cx{size}", fontName=_font(), fontSize=size, leading=size * 1.25)


def text(value: Any, size: float = 10) -> Paragraph:
    """Untrusted text as a paragraph that shows exactly what was typed."""
    return Paragraph(escape("" if value is None else str(value)), _style(size))


def days_text(days: Iterable[date]) -> str:
    return ", ".join(day.isoformat() for day in days)


def build(flowables: Sequence[Any], title: str, pagesize=A4) -> bytes:
    """The flowables laid out on pages; the PDF's bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, title=title, leftMargin=MARGIN, rightMargin=MARGIN
    )
    document.build(list(flowables))
    return buffer.getvalue()
