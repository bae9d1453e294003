"""What the exchange pages' confirmation pages say before a destructive action acts."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from shared.pages.confirm import Confirmation


def _parties(exchange: dict) -> dict[str, str]:
    return {"visitor": exchange["visitor"]["name"], "host": exchange["host"]["name"]}


def remove_item(exchange: dict, item_id: str, back: str) -> Confirmation:
    """Removing an agenda item emails both parties the agenda; calendars drop the item."""
    item = next((i for i in exchange["agenda"] if i["item_id"] == item_id), None)
    if item is None or item["status"] != "planned":
        abort(404, description=_("There is no such agenda item."))
    consequence = _(
        "“%(title)s” is taken off the agenda; the calendars it reached drop it.",
        title=item["title"],
    )
    if exchange["status"] == "accepted_by_host":
        consequence += " " + _(
            "The confirmations given so far lapse: both sides are asked to confirm the agenda "
            "again."
        )
    return Confirmation(
        title=_("Remove “%(title)s” from the agenda?", title=item["title"]),
        consequence=consequence,
        emailed=_(
            "%(visitor)s (visitor) and %(host)s (host), with the agenda as it will stand.",
            **_parties(exchange),
        ),
        button=_("Remove the item"),
        back=back,
    )


def decline(exchange: dict, back: str) -> Confirmation:
    """The host declining closes the exchange; nobody is emailed, the reason is shown on it."""
    return Confirmation(
        title=_("Decline the exchange of %(visitor)s?", visitor=exchange["visitor"]["name"]),
        consequence=_(
            "The exchange of %(visitor)s at %(host)s, %(first)s to %(last)s, is declined and "
            "closed; it cannot be accepted later. The visitor and the organisers see it, with "
            "your reason, on the exchange.",
            visitor=exchange["visitor"]["organisation"],
            host=exchange["host"]["organisation"],
            first=exchange["first_day"].isoformat(),
            last=exchange["last_day"].isoformat(),
        ),
        emailed="",
        button=_("Decline the exchange"),
        back=back,
        reason_label=_("Reason for the visitor and the organisers"),
        reason_hint=_("Optional. It is shown on the exchange, not emailed."),
    )
