"""Render notification emails (subject, plain text, HTML) from the Jinja2 templates beside us."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from shared.calendar_links import my_visits_url, subscription_links
from shared.i18n import format_when, language_tag, supported_language, translations

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
        "registration_offered",
        "registration_offer_expired",
        "registration_offer_declined",
        "event_rescheduled",
        "event_cancelled",
        "visit_joined",
        "visit_rescheduled",
        "visit_cancelled",
        "visit_left",
        "reminder_visit",
        "reminder_event",
        "attendance_certificate",
    }
)
# Emails about exchanges go to visitors and hosts, who have no registration to manage.
EXCHANGE_KINDS: frozenset[str] = frozenset(
    {
        "exchange_requested",
        "exchange_accepted",
        "exchange_proposed",
        "exchange_agreed",
        "exchange_changed",
        "exchange_cancelled",
        "exchange_item",
        "exchange_item_cancelled",
        "exchange_certificate",
    }
)


def render_email(kind: str, language: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Render (subject, text, html) for kind in language, or in English if we lack the language.

    The templates are written in English; the catalogues of ``shared.i18n`` translate them.
    """
    if kind not in KINDS | EXCHANGE_KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    chosen = supported_language(language)
    env = _environment(chosen)
    context = {**context, **_participant_links(context.get("feed_url") or "")}
    text_template = env.get_template(f"en/{kind}.txt")
    subject = " ".join(_render_block(text_template, "subject", context).split())
    text = text_template.render(context)
    html = env.get_template(f"en/{kind}.html").render(
        context, subject=subject, html_lang=language_tag(chosen)
    )
    return subject, text, html


def _participant_links(feed_url: str) -> dict[str, Any]:
    """Ways to subscribe to a participant's feed, and their "my study visits" page."""
    if not feed_url:
        return {"calendar": None, "my_visits_url": ""}
    return {"calendar": subscription_links(feed_url), "my_visits_url": my_visits_url(feed_url)}


def _render_block(template: Template, block: str, context: Mapping[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(dict(context))))


@cache
def _environment(language: str) -> Environment:
    """One environment per language: its catalogue and its date format installed."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["when"] = partial(format_when, language=language)
    return env
