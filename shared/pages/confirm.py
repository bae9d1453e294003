"""Confirmation pages: a destructive action asks first, on a page of its own, with no JavaScript.

Its button (``post_button(..., confirm=True)``) opens the action's own URL by GET, which says
what will happen and who will be emailed, with a reason field where the message carries one.
Only that page's form, which posts ``confirmed=yes``, acts: a POST without it (an old form, a
replayed click) shows the same page and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says: the action, its consequence and who hears of it."""

    title: str
    consequence: str
    emailed: str
    button: str
    back: str
    reason_label: str | None = None
    reason_hint: str | None = None  # where the reason goes; unsaid: it is quoted in the email
    hidden: tuple[tuple[str, str], ...] = ()  # what the action needs again (say, which rows)


def confirmed() -> bool:
    """Did the request come from a confirmation page's form?"""
    return request.method == "POST" and request.form.get("confirmed") == "yes"


def confirmation_page(confirmation: Confirmation) -> str:
    """The page asking to confirm; its form posts back to the URL it was reached at."""
    return render_template("pages/confirm.html", c=confirmation, action=request.path)
