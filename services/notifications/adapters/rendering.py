"""Render notification emails (subject, plain text, HTML) from the Jinja2 templates beside us."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

KINDS: frozenset[str] = frozenset(
    {
        "registration_confirmed",
        "registration_waitlisted",
        "registration_pending",
        "registration_promoted",
        "registration_rejected",
        "registration_cancelled",
        "registration_verify",
        "registration_already",
        "event_rescheduled",
        "event_cancelled",
        "visit_joined",
        "visit_rescheduled",
        "visit_cancelled",
        "visit_left",
        "reminder_visit",
        "reminder_event",
    }
)
# Emails about exchanges go to visitors and hosts, who have no registration to manage.
EXCHANGE_KINDS: frozenset[str] = frozenset(
    {
        "exchange_agreed",
        "exchange_changed",
        "exchange_cancelled",
        "exchange_item",
        "exchange_item_cancelled",
    }
)
DEFAULT_LANGUAGE = "en"
_DATE_FORMATS = {"en": "%A %d %B %Y, %H:%M %Z", "de": "%d.%m.%Y, %H:%M Uhr %Z"}


def render_email(kind: str, language: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Render (subject, text, html) for kind in language, or in English if it has no such set."""
    if kind not in KINDS | EXCHANGE_KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    chosen = _available_language(kind, language)
    env = _environment()
    text_template = env.get_template(f"{chosen}/{kind}.txt")
    subject = " ".join(_render_block(text_template, "subject", context).split())
    text = text_template.render(context)
    html = env.get_template(f"{chosen}/{kind}.html").render(context, subject=subject)
    return subject, text, html


def _available_language(kind: str, language: str) -> str:
    """The primary subtag of language ("de-AT" -> "de") if it has templates for kind."""
    primary = language.replace("_", "-").split("-")[0].lower()
    if f"{primary}/{kind}.txt" in _template_names():
        return primary
    return DEFAULT_LANGUAGE


def _render_block(template: Template, block: str, context: Mapping[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(dict(context))))


def _when(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """Format a zoned datetime for readers of language, in the event's own time zone."""
    return moment.strftime(_DATE_FORMATS[language])


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = _when
    return env


@cache
def _template_names() -> frozenset[str]:
    return frozenset(_environment().list_templates())
