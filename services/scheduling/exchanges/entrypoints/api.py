"""HTTP resources for ClusterXchange exchanges (/api/v1/exchanges).

An organiser (bearer credential) requests an exchange on a visitor's behalf and gets the two
party tokens once; the visitor and the host then act with theirs in ``X-Exchange-Token``.
"""

from __future__ import annotations

from flask import Response, abort, current_app, request
from flask_smorest import Blueprint

from services.scheduling.entrypoints.auth import ORGANISER as ORGANISER_SECURITY
from services.scheduling.entrypoints.schemas import ReasonSchema
from services.scheduling.exchanges.domain.agenda import ItemDetails
from services.scheduling.exchanges.domain.commands import Party, RequestExchange
from services.scheduling.exchanges.domain.model import ORGANISER, Credential
from services.scheduling.exchanges.entrypoints import schemas as s
from services.scheduling.exchanges.service_layer import handlers, views
from shared.conditional import conditional
from shared.exports import FORMATS, download
from shared.paged_api import PageQuerySchema, envelope, page_request, page_schema
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


def caller() -> Credential:
    """The request's credential; 401 without any (a wrong token is refused with 403 later)."""
    if current_organiser() is not None:
        return Credential(organiser=True)
    token = request.headers.get(TOKEN_HEADER)
    if not token:
        abort(
            401,
            description=f"An organiser credential or the exchange token ({TOKEN_HEADER}) "
            "is required.",
        )
    return Credential(organiser=False, token=token)


def _out(acted: handlers.Acted) -> dict:
    return views.exchange_view(acted.exchange, _app().feeds, acted.party)


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
@exchanges_blp.arguments(PageQuerySchema, location="query")
@exchanges_blp.response(200, page_schema(s.ExchangeOutSchema))
def list_exchanges(query):
    """Every exchange, oldest first, a page at a time."""
    app = _app()
    return envelope(views.exchanges(app.uow(), app.feeds, page_request(query)))


@exchanges_blp.get("/kpis")
@exchanges_blp.doc(security=ORGANISER_SECURITY)
@organiser_required
@exchanges_blp.arguments(s.KpiQuerySchema, location="query")
@exchanges_blp.response(200, s.KpiSchema)
def kpis(query):
    """Reporting figures: by status, countries, sectors, SMEs, working days abroad."""
    figures = views.kpis(_app().uow())
    if query["format"] in FORMATS:
        return download(*views.kpi_table(figures), "exchange-kpis", query["format"])
    return figures


@exchanges_blp.get("/<exchange_id>")
@conditional
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def get_exchange(exchange_id):
    """The exchange, its agenda and the caller's feed links."""
    app = _app()
    return views.exchange(app.uow(), exchange_id, app.feeds, caller())


def _pdf(body: bytes, name: str) -> Response:
    disposition = f'attachment; filename="{name}.pdf"'
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": disposition})


@exchanges_blp.get("/certificates/<token>")
@exchanges_blp.response(200, description="The exchange's certificate (application/pdf)")
def certificate_by_link(token):
    """The certificate behind the private link of the certificate email (it opens nothing else)."""
    return _pdf(views.certificate_by_token(_app().uow(), token), "exchange-certificate")


@exchanges_blp.get("/<exchange_id>/certificate")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, description="The exchange's certificate (application/pdf)")
def certificate(exchange_id):
    """The certificate of a completed exchange (visitor, host, working days attended), for
    the visitor, the host or an organiser; 409 before completion or with no day attended."""
    body = views.certificate(_app().uow(), exchange_id, caller())
    return _pdf(body, f"exchange-certificate-{exchange_id}")


@exchanges_blp.post("/<exchange_id>/accept")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def accept(exchange_id):
    """The host accepts the request (host token)."""
    return _out(handlers.accept(exchange_id, caller(), _app().uow(), _app().clock))


@exchanges_blp.post("/<exchange_id>/reject")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(ReasonSchema, required=False)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def reject(data, exchange_id):
    """The host turns the exchange down, before it is agreed (host token)."""
    app = _app()
    return _out(handlers.reject(exchange_id, caller(), data.get("reason"), app.uow(), app.clock))


@exchanges_blp.post("/<exchange_id>/confirm")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def confirm(exchange_id):
    """Visitor or host confirms the agenda; the second confirmation makes the agreement."""
    return _out(handlers.confirm(exchange_id, caller(), _app().uow(), _app().clock))


@exchanges_blp.post("/<exchange_id>/complete")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(s.AttendanceSchema)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def complete(data, exchange_id):
    """An organiser records attendance and completes the exchange."""
    app = _app()
    days, note = data["attended_days"], data["note"]
    return _out(handlers.complete(exchange_id, caller(), days, note, app.uow(), app.clock))


@exchanges_blp.post("/<exchange_id>/cancel")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(ReasonSchema, required=False)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def cancel(data, exchange_id):
    """An organiser, the visitor or the host calls the exchange off."""
    app = _app()
    return _out(handlers.cancel(exchange_id, caller(), data.get("reason"), app.uow(), app.clock))


@exchanges_blp.post("/<exchange_id>/agenda")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(s.ItemInSchema)
@exchanges_blp.response(201, s.ExchangeOutSchema)
def add_item(data, exchange_id):
    """Add a site visit or meeting (organiser or host); after the agreement, people are told."""
    app = _app()
    return _out(handlers.add_item(exchange_id, caller(), _details(data), app.uow(), app.clock))


@exchanges_blp.put("/<exchange_id>/agenda/<item_id>")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.arguments(s.ItemInSchema)
@exchanges_blp.response(200, s.ExchangeOutSchema)
def edit_item(data, exchange_id, item_id):
    """Replace an agenda item; a change raises its calendar SEQUENCE."""
    app = _app()
    details = _details(data)
    return _out(handlers.edit_item(exchange_id, item_id, caller(), details, app.uow(), app.clock))


@exchanges_blp.delete("/<exchange_id>/agenda/<item_id>")
@exchanges_blp.doc(**PARTY)
@exchanges_blp.response(204)
def remove_item(exchange_id, item_id):
    """Remove an agenda item; feeds keep it as cancelled so calendars drop it."""
    handlers.remove_item(exchange_id, item_id, caller(), _app().uow(), _app().clock)
