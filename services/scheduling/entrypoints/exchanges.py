"""HTTP resources for ClusterXchange exchanges (/api/v1/exchanges).

An organiser (bearer credential) requests an exchange on a visitor's behalf and gets the two
party tokens once; the visitor and the host then act with theirs in ``X-Exchange-Token``.
"""

from __future__ import annotations

import secrets

from flask import abort, current_app, request
from flask_smorest import Blueprint

from services.scheduling.adapters.exchange_repository import ExchangeRepository
from services.scheduling.domain.agenda import ItemDetails
from services.scheduling.domain.errors import Forbidden
from services.scheduling.domain.exchanges import HOST, ORGANISER, VISITOR, Party, RequestExchange
from services.scheduling.entrypoints import exchange_schemas as s
from services.scheduling.entrypoints.auth import ORGANISER as ORGANISER_SECURITY
from services.scheduling.entrypoints.schemas import ReasonSchema
from services.scheduling.service_layer import exchange_views as views
from services.scheduling.service_layer import exchanges as handlers
from shared.exports import FORMATS, download
from shared.web import current_organiser, organiser_required

TOKEN_HEADER = "X-Exchange-Token"
PARTY = {
    "security": ORGANISER_SECURITY + [{}],
    "parameters": [
        {
            "in": "header",
            "name": TOKEN_HEADER,
            "required": False,
            "schema": {"type": "string"},
            "description": "The visitor's or the host's exchange token.",
        }
    ],
}

exchanges_blp = Blueprint(
    "exchanges", __name__, url_prefix="/api/v1/exchanges", description="ClusterXchange exchanges"
)


def _app():
    return current_app.extensions["container"]


def actor(exchange_id: str) -> str:
    """organiser, visitor or host; 401 without any credential, 403 for another's token."""
    if current_organiser() is not None:
        return ORGANISER
    token = request.headers.get(TOKEN_HEADER)
    if not token:
        abort(
            401,
            description=f"An organiser credential or the exchange token ({TOKEN_HEADER}) "
            "is required.",
        )
    with _app().infrastructure.session_factory() as session:
        exchange = ExchangeRepository(session).get(exchange_id, lock=False)
    for party in (VISITOR, HOST):
        if secrets.compare_digest(token.encode(), getattr(exchange, f"{party}_token").encode()):
            return party
    raise Forbidden("this token does not belong to a party of this exchange")


def _out(exchange_id: str, who: str) -> dict:
    app = _app()
    with app.infrastructure.session_factory() as session:
        return views.exchange(session, exchange_id, app.feeds, who)


def _details(data: dict) -> ItemDetails:
    return ItemDetails(**data)


@exchanges_blp.post("")
@exchanges_blp.doc(security=ORGANISER_SECURITY)
@organiser_required
@exchanges_blp.arguments(s.ExchangeInSchema)
@exchanges_blp.response(201, s.ExchangeOutSchema)
def request_exchange(data):
    """Request an exchange for a visitor; the answer holds both party tokens, only this once."""
    app = _app()
    cmd = RequestExchange(
        visitor=Party(**data.pop("visitor")), host=Party(**data.pop("host")), **data
    )
    exchange = handlers.request_exchange(cmd, app.uow(), app.clock, app.exchange_rules)
    return views.exchange_view(exchange, app.feeds, ORGANISER, tokens=True)


@exchanges_blp.get("")
@exchanges_blp.doc(security=ORGANISER_SECURITY)
@organiser_required
@exchanges_blp.response(200, s.ExchangeOutSchema(many=True))
def list_exchanges():
    """Every exchange, oldest first."""
    app = _app()
    with app.infrastructure.session_factory() as session:
        everything = ExchangeRepository(session).all()
        return [views.exchange_view(e, app.feeds, ORGANISER) for e in everything]


@exchanges_blp.get("/kpis")
@exchanges_blp.doc(security=ORGANISER_SECURITY)
@organiser_required
@exchanges_blp.arguments(s.KpiQuerySchema, location="query")
@exchanges_blp.response(200, s.KpiSchema)
def kpis(query):
    """Reporting figures: by status, countries, sectors, SMEs, working days abroad."""
    with _app().infrastructure.session_factory() as session:
        figures = views.kpis(session)
    if query["format"] in FORMATS:
        return download(*views.kpi_table(figures), "exchange-kpis", query["format"])
    return figures


@exchanges_blp.get("/<exchange_id>")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def get_exchange(exchange_id):
    """The exchange, its agenda and the caller's feed links."""
    return _out(exchange_id, actor(exchange_id))


@exchanges_blp.post("/<exchange_id>/accept")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def accept(exchange_id):
    """The host accepts the request (host token)."""
    who = actor(exchange_id)
    handlers.accept(exchange_id, who, _app().uow(), _app().clock)
    return _out(exchange_id, who)


@exchanges_blp.post("/<exchange_id>/reject")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(ReasonSchema, required=False)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def reject(data, exchange_id):
    """The host turns the exchange down, before it is agreed (host token)."""
    who = actor(exchange_id)
    handlers.reject(exchange_id, who, data.get("reason"), _app().uow(), _app().clock)
    return _out(exchange_id, who)


@exchanges_blp.post("/<exchange_id>/confirm")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def confirm(exchange_id):
    """Visitor or host confirms the agenda; the second confirmation makes the agreement."""
    who = actor(exchange_id)
    handlers.confirm(exchange_id, who, _app().uow(), _app().clock)
    return _out(exchange_id, who)


@exchanges_blp.post("/<exchange_id>/complete")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(s.AttendanceSchema)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def complete(data, exchange_id):
    """An organiser records attendance and completes the exchange."""
    who = actor(exchange_id)
    app = _app()
    handlers.complete(exchange_id, who, data["attended_days"], data["note"], app.uow(), app.clock)
    return _out(exchange_id, who)


@exchanges_blp.post("/<exchange_id>/cancel")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(ReasonSchema, required=False)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def cancel(data, exchange_id):
    """An organiser, the visitor or the host calls the exchange off."""
    who = actor(exchange_id)
    handlers.cancel(exchange_id, who, data.get("reason"), _app().uow(), _app().clock)
    return _out(exchange_id, who)


@exchanges_blp.post("/<exchange_id>/agenda")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(s.ItemInSchema)
@exchanges_blp.response(201, s.ExchangeOutSchema)
def add_item(data, exchange_id):
    """Add a site visit or meeting (organiser or host); after the agreement, people are told."""
    who = actor(exchange_id)
    handlers.add_item(exchange_id, who, _details(data), _app().uow(), _app().clock)
    return _out(exchange_id, who)


@exchanges_blp.put("/<exchange_id>/agenda/<item_id>")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(s.ItemInSchema)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def edit_item(data, exchange_id, item_id):
    """Replace an agenda item; a change raises its calendar SEQUENCE."""
    who = actor(exchange_id)
    handlers.edit_item(exchange_id, item_id, who, _details(data), _app().uow(), _app().clock)
    return _out(exchange_id, who)


@exchanges_blp.delete("/<exchange_id>/agenda/<item_id>")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(204)
def remove_item(exchange_id, item_id):
    """Remove an agenda item; feeds keep it as cancelled so calendars drop it."""
    who = actor(exchange_id)
    handlers.remove_item(exchange_id, item_id, who, _app().uow(), _app().clock)
