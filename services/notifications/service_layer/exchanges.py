"""Consumers of scheduling's exchange.* messages: tell visitor and host, with iMIP per item.

``exchange.requested`` asks the host, ``exchange.accepted`` tells the visitor,
``exchange.agenda_proposed`` asks both to look at the changed proposal again; each of
``exchange.agreed``, ``exchange.itinerary_changed`` and ``exchange.cancelled`` gives both parties
one summary email with the whole agenda, plus one iMIP email per timed agenda item: a REQUEST
for a new or changed item (its SEQUENCE above the last one sent), a CANCEL for a removed item or
a called-off exchange. All-day items appear in the summary and the feeds only. Every email links
to the recipient's own exchange page. ``exchange.completed`` with a ``certificate_url`` (at
least one day attended) sends both parties the link to the exchange's certificate. Rejected
carries no addresses: no email. Each party's emails speak its own language (its contact's
``language``): the templates are translated when rendered, the days and agenda lines here.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain.exchange_items import AgendaItemSnapshot
from services.notifications.domain.readmodel import Recipient
from services.notifications.service_layer import notify
from services.notifications.service_layer.exchange_words import Words
from services.notifications.service_layer.notify import Policy
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from shared.messages import Envelope

UOW = NotificationsUnitOfWork
SUMMARY_KINDS = {
    "exchange.requested": "exchange_requested",
    "exchange.accepted": "exchange_accepted",
    "exchange.agenda_proposed": "exchange_proposed",
    "exchange.agreed": "exchange_agreed",
    "exchange.itinerary_changed": "exchange_changed",
    "exchange.cancelled": "exchange_cancelled",
}
# Who hears of what: the host is asked, the visitor told of the acceptance, both of the rest.
TOLD = {"exchange.requested": ("host",), "exchange.accepted": ("visitor",)}
BOTH = ("host", "visitor")


def parties(
    exchange: dict[str, Any], contacts: dict[str, Any], side_key: str = "", sides=BOTH
) -> list:
    """Visitor and host as recipients; the key stands where a registration id usually does,
    and the party's own page is its manage link."""
    return [
        Recipient(
            registration_id=f"x:{exchange['exchange_id']}:{side}{side_key}",
            event_id=exchange["exchange_id"],
            name=contact["name"],
            email=contact["email"],
            language=contact.get("language") or "en",
            manage_url=contact.get("page_url") or "",
            feed_url="",
            status=exchange["status"],
        )
        for side, contact in sorted(contacts.items())
        if side in sides
    ]


def timed_items(exchange: dict[str, Any]) -> list[AgendaItemSnapshot]:
    """The agenda items with a start and end time (all-day ones have no iMIP here)."""
    return [
        AgendaItemSnapshot(
            item_id=item["item_id"],
            title=item["title"],
            kind=item["kind"],
            description=item["notes"] or None,
            location=item["place"],
            timezone=exchange["timezone"],
            start=item["start"],
            end=item["end"],
            sequence=item["sequence"],
            updated_at=exchange["updated_at"],
            planned=item["status"] == "planned" and exchange["status"] in ("agreed", "completed"),
        )
        for item in exchange["agenda"]
        if item["start"] is not None
    ]


def exchange_context(
    exchange: dict[str, Any], language: str = "en", reason: str | None = None
) -> dict[str, Any]:
    """What the emails say, in the reader's language: who goes where, when, and the agenda as
    readable lines."""
    visitor, host = exchange["visitor"], exchange["host"]
    words = Words(language)
    return {
        "visitor_organisation": f"{visitor['organisation']} ({visitor['country']})",
        "host_organisation": f"{host['organisation']} ({host['country']})",
        "first_day": words.day(exchange["first_day"]),
        "last_day": words.day(exchange["last_day"]),
        "agenda": [
            words.line(item, ZoneInfo(exchange["timezone"]))
            for item in exchange["agenda"]
            if item["status"] == "planned"
        ],
        "reason": reason,
    }


def exchange_news(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """A summary to the parties told, and an invitation or cancellation per timed item."""
    exchange, contacts = envelope.payload["exchange"], envelope.payload.get("contacts")
    if not contacts:
        return  # a request or acceptance published before messages carried contacts
    # one context per language among the recipients
    context = cache(partial(exchange_context, exchange, reason=envelope.payload.get("reason")))
    now, kind = policy.clock(), SUMMARY_KINDS[envelope.type]
    for person in parties(exchange, contacts, sides=TOLD.get(envelope.type, BOTH)):
        notify.queue(uow, envelope.message_id, person, kind, context(person.language), now)
    for item in timed_items(exchange):
        for person in parties(exchange, contacts, f":{item.item_id}"):
            _calendar_update(envelope, uow, person, item, context(person.language), now)


def _calendar_update(
    envelope: Envelope,
    uow: UOW,
    person: Recipient,
    item: AgendaItemSnapshot,
    context: dict[str, Any],
    now: datetime,
) -> None:
    """REQUEST a planned item the address has not seen at this SEQUENCE; CANCEL a withdrawn one."""
    last = uow.readmodel.calendar_entry(person.email, item.uid)
    stamp, details = envelope.occurred_at, context | {"item": Words(person.language).item(item)}
    if item.planned and (last is None or not last.invited or item.sequence > last.sequence):
        invitation = notify.invite(uow, person, item, stamp)
        notify.queue(uow, envelope.message_id, person, "exchange_item", details, now, invitation)
    elif not item.planned and last is not None and last.invited:
        kind, cancellation = "exchange_item_cancelled", notify.withdraw(uow, person, item, stamp)
        notify.queue(uow, envelope.message_id, person, kind, details, now, cancellation)


def exchange_certificate(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """exchange.completed: the certificate link to visitor and host, if there is one."""
    exchange, contacts = envelope.payload["exchange"], envelope.payload["contacts"]
    url = envelope.payload["certificate_url"]
    if not url or not contacts:
        return
    facts = {
        "certificate_url": url,
        "attended_days": exchange["attended_days"],
        "working_days": exchange["working_days"],
    }
    for person in parties(exchange, contacts):
        context = exchange_context(exchange, person.language) | facts
        notify.queue(
            uow, envelope.message_id, person, "exchange_certificate", context, policy.clock()
        )


HANDLERS = {message_type: exchange_news for message_type in SUMMARY_KINDS}
HANDLERS["exchange.completed"] = exchange_certificate
