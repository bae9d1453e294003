"""Organiser pages of the exchange programme: list and filter, request, follow, attendance, KPIs.

Everything goes through the same handlers and views as the API; the parties' tokens never show
here: the platform emails each party the link to its own page (see ``party_pages``).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.scheduling.domain import errors
from services.scheduling.exchanges.domain.agenda import ITEM_KINDS, ItemDetails
from services.scheduling.exchanges.domain.commands import ExchangeFilter, Party, RequestExchange
from services.scheduling.exchanges.domain.model import ACTIVE, ORGANISER, STATUSES
from services.scheduling.exchanges.domain.rules import working_dates
from services.scheduling.exchanges.entrypoints import confirmations, forms
from services.scheduling.exchanges.entrypoints import schemas as s
from services.scheduling.exchanges.entrypoints.chart import bar_chart
from services.scheduling.exchanges.service_layer import handlers, views
from shared.pages.confirm import confirmation_page, confirmed
from shared.pages.languages import page_language_tag
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page
from shared.text import form_text

exchange_pages = page_blueprint("exchange_pages", __name__)
REFUSALS = (errors.InvalidVisit, errors.InvalidTransition, errors.Ineligible)
STATUS = {errors.InvalidTransition: 409, errors.ActiveExchangeExists: 409}


def _app():
    return current_app.extensions["container"]


@exchange_pages.get("/organiser/exchanges")
@organiser_page
def exchange_list():
    """Every exchange, filtered by status, country (either side) and period."""
    values = forms.filled(request.args)
    found, errs = form_errors(forms.FilterSchema(), values)
    items = [] if errs else views.search(_app().uow(), _app().feeds, ExchangeFilter(**found))
    page = render_template(
        "exchanges/list.html", exchanges=items, values=values, errors=errs, statuses=STATUSES
    )
    return page, 422 if errs else 200


@exchange_pages.get("/organiser/exchanges/new")
@organiser_page
def new_exchange():
    """The request form; both parties speak the coordinator's language until chosen otherwise."""
    language = page_language_tag()
    values = {f"{side}.language": language for side in ("visitor", "host")}
    return _request_form(values | {"timezone": "Europe/Brussels"}, {})


@exchange_pages.post("/organiser/exchanges")
@organiser_page
def request_exchange():
    """Request an exchange; the host is emailed the link to accept it."""
    app, values = _app(), request.form.to_dict()
    data, errs = form_errors(s.ExchangeInSchema(), forms.exchange_payload(request.form))
    if errs:
        return _request_form(values, errs, status=422)
    cmd = RequestExchange(
        visitor=Party(**data.pop("visitor")), host=Party(**data.pop("host")), **data
    )
    try:
        exchange = handlers.request_exchange(cmd, app.uow(), app.clock, app.exchange_rules)
    except (errors.Ineligible, errors.InvalidVisit, errors.ActiveExchangeExists) as exc:
        return _request_form(values, {}, str(exc), STATUS.get(type(exc), 422))
    flash(_("Exchange requested. The host has been emailed a link to accept or decline it."))
    return redirect(url_for(".exchange_detail", exchange_id=exchange.id), 303)


def _request_form(values: dict, errs: dict, form_error=None, status=200):
    page = render_template("exchanges/new.html", values=values, errors=errs, form_error=form_error)
    return page, status


@exchange_pages.get("/organiser/exchanges/<exchange_id>")
@organiser_page
def exchange_detail(exchange_id):
    """One exchange: parties, lifecycle, agenda (with non-working-day warnings), actions."""
    return _detail(exchange_id)


def _detail(exchange_id: str, form_error=None, status=200, values=None, errs=None):
    app = _app()
    exchange = views.exchange(app.uow(), exchange_id, app.feeds, ORGANISER)
    page = render_template(
        "exchanges/detail.html",
        exchange=exchange,
        active=exchange["status"] in ACTIVE,
        warnings=views.non_working(exchange, app.exchange_rules.holidays),
        attendance_days=working_dates(
            exchange["first_day"], exchange["last_day"], app.exchange_rules.holidays
        ),
        kinds=ITEM_KINDS,
        values=values or {},
        errors=errs or {},
        form_error=form_error,
    )
    return page, status


@exchange_pages.get("/organiser/exchanges/<exchange_id>/cancel")
@organiser_page
def confirm_cancel(exchange_id):
    """What cancelling does and who is told, with a reason, before anything happens."""
    app = _app()
    exchange = views.exchange(app.uow(), exchange_id, app.feeds, ORGANISER)
    back = url_for(".exchange_detail", exchange_id=exchange_id)
    action = url_for(".cancel", exchange_id=exchange_id)
    return render_template("exchanges/cancel.html", exchange=exchange, action=action, back=back)


@exchange_pages.post("/organiser/exchanges/<exchange_id>/cancel")
@organiser_page
def cancel(exchange_id):
    """Call the exchange off; visitor and host are emailed the reason."""
    app, reason = _app(), form_text(request.form, "reason", multi_line=True)
    handlers.cancel(exchange_id, ORGANISER, reason, app.uow(), app.clock)
    flash(_("Exchange cancelled. Visitor and host have been emailed."))
    return redirect(url_for(".exchange_detail", exchange_id=exchange_id), 303)


@exchange_pages.post("/organiser/exchanges/<exchange_id>/attendance")
@organiser_page
def record_attendance(exchange_id):
    """Complete the exchange from the days the visitor was present."""
    app = _app()
    days, problem = forms.attendance_days(request.form)
    if problem:
        return _detail(exchange_id, problem, 422)
    note = form_text(request.form, "note", multi_line=True)
    try:
        handlers.record_attendance(exchange_id, ORGANISER, days, note, app.uow(), app.clock)
    except REFUSALS as exc:
        return _detail(exchange_id, str(exc), STATUS.get(type(exc), 422))
    flash(_("Attendance recorded; the exchange is completed."))
    return redirect(url_for(".exchange_detail", exchange_id=exchange_id), 303)


@exchange_pages.post("/organiser/exchanges/<exchange_id>/agenda")
@organiser_page
def add_item(exchange_id):
    """Add an agenda item as organiser."""
    app = _app()
    found = views.exchange(app.uow(), exchange_id, app.feeds, ORGANISER)
    details, errs = item_details(request.form, found["timezone"])
    if errs:
        return _detail(exchange_id, None, 422, request.form.to_dict(), errs)
    try:
        handlers.add_item(exchange_id, ORGANISER, details, app.uow(), app.clock)
    except REFUSALS as exc:
        return _detail(exchange_id, str(exc), STATUS.get(type(exc), 422), request.form, {})
    flash(_("Agenda item added."))
    return redirect(url_for(".exchange_detail", exchange_id=exchange_id), 303)


@exchange_pages.route(
    "/organiser/exchanges/<exchange_id>/agenda/<item_id>/remove", methods=["GET", "POST"]
)
@organiser_page
def remove_item(exchange_id, item_id):
    """Take an item off the agenda, once confirmed; calendars that had it get a cancellation."""
    app = _app()
    if not confirmed():
        exchange = views.exchange(app.uow(), exchange_id, app.feeds, ORGANISER)
        back = url_for(".exchange_detail", exchange_id=exchange_id)
        return confirmation_page(confirmations.remove_item(exchange, item_id, back))
    handlers.remove_item(exchange_id, item_id, ORGANISER, app.uow(), app.clock)
    flash(_("Agenda item removed."))
    return redirect(url_for(".exchange_detail", exchange_id=exchange_id), 303)


def item_details(form, timezone: str) -> tuple[ItemDetails | None, dict[str, str]]:
    """The agenda item form checked by the API's schema: (details, {}) or (None, errors)."""
    data, errs = form_errors(s.ItemInSchema(), forms.item_payload(form, timezone))
    if errs:
        return None, errs
    return ItemDetails(**data), {}


@exchange_pages.get("/organiser/exchanges/kpis")
@organiser_page
def kpis():
    """The programme's figures as tables, with bar charts drawn on the server (SVG)."""
    figures = views.kpis(_app().uow())
    charts = {
        key: bar_chart(figures[key])
        for key in ("by_status", "visitor_countries", "host_countries", "sectors")
    }
    return render_template("exchanges/kpis.html", figures=figures, charts=charts)
