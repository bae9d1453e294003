"""The visitor's and the host's page of an exchange, reached by the link in their emails.

The token in the path is the only key: it finds its own exchange and says which party acts, so
a foreign or unknown token reaches nothing (404), and the domain refuses what the party may not
do (403). Pages with a token in the path are never cached (``shared.hardening``).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.scheduling.exchanges.domain.agenda import ITEM_KINDS
from services.scheduling.exchanges.domain.model import Credential
from services.scheduling.exchanges.entrypoints import confirmations, forms
from services.scheduling.exchanges.entrypoints.pages import REFUSALS, STATUS, item_details
from services.scheduling.exchanges.service_layer import handlers, views
from shared.pages.confirm import confirmation_page, confirmed
from shared.pages.languages import prefer_language
from shared.pages.layout import page_blueprint
from shared.text import form_text

party_pages = page_blueprint("exchange_party_pages", __name__)


def _app():
    return current_app.extensions["container"]


def _found(token: str) -> tuple[dict, str]:
    """The exchange and party of this token; 404 for any other token."""
    found = views.party_exchange(_app().uow(), token, _app().feeds)
    if found is None:
        abort(404, description=_("This link is unknown or no longer valid."))
    return found


@party_pages.before_request
def _party_language() -> None:
    """A party's page speaks the party's language, unless its reader switched languages."""
    token = (request.view_args or {}).get("token")
    if token:
        prefer_language(views.party_language(_app().uow(), token))


def _back(token: str):
    return redirect(url_for(".exchange_page", token=token), 303)


@party_pages.get("/exchange/<token>")
def exchange_page(token):
    """The exchange as this party sees it, with what it may do next."""
    return _page(token)


def _page(token: str, form_error=None, status=200, values=None, errs=None):
    exchange, party = _found(token)
    page = render_template(
        "exchanges/party.html",
        exchange=exchange,
        party=party,
        token=token,
        feed=exchange[f"{party}_feed"],
        warnings=views.non_working(exchange, _app().exchange_rules.holidays),
        kinds=ITEM_KINDS,
        values=values or {},
        errors=errs or {},
        form_error=form_error,
    )
    return page, status


def _act(token: str, action, done: str):
    """Run one handler as this token's party; a refusal is shown on the page with its status."""
    exchange, _party = _found(token)
    app, caller = _app(), Credential(organiser=False, token=token)
    try:
        action(exchange["id"], caller, app)
    except REFUSALS as exc:
        return _page(token, str(exc), STATUS.get(type(exc), 422))
    flash(done)
    return _back(token)


@party_pages.post("/exchange/<token>/accept")
def accept(token):
    """The host accepts; the visitor is emailed."""
    return _act(
        token,
        lambda x, who, app: handlers.accept(x, who, app.uow(), app.clock),
        _("You accepted the exchange. Please propose the agenda."),
    )


@party_pages.route("/exchange/<token>/reject", methods=["GET", "POST"])
def reject(token):
    """The host declines, with a reason, once confirmed on its confirmation page."""
    if not confirmed():
        exchange, _party = _found(token)
        back = url_for(".exchange_page", token=token)
        return confirmation_page(confirmations.decline(exchange, back))
    reason = form_text(request.form, "reason", multi_line=True)
    return _act(
        token,
        lambda x, who, app: handlers.reject(x, who, reason, app.uow(), app.clock),
        _("You declined the exchange."),
    )


@party_pages.post("/exchange/<token>/confirm")
def confirm(token):
    """Visitor or host agrees to the agenda as it stands."""
    return _act(
        token,
        lambda x, who, app: handlers.confirm(x, who, app.uow(), app.clock),
        _("You confirmed the agenda."),
    )


@party_pages.get("/exchange/<token>/cancel")
def confirm_cancel(token):
    """What cancelling does and who is told, before anything happens."""
    exchange, _party = _found(token)
    action = url_for(".cancel", token=token)
    back = url_for(".exchange_page", token=token)
    return render_template("exchanges/cancel.html", exchange=exchange, action=action, back=back)


@party_pages.post("/exchange/<token>/cancel")
def cancel(token):
    """Visitor or host calls the exchange off, with a reason."""
    reason = form_text(request.form, "reason", multi_line=True)
    return _act(
        token,
        lambda x, who, app: handlers.cancel(x, who, reason, app.uow(), app.clock),
        _("The exchange is cancelled. Both sides have been emailed."),
    )


@party_pages.post("/exchange/<token>/agenda")
def add_item(token):
    """The host proposes an agenda item."""
    exchange, _party = _found(token)
    details, errs = item_details(request.form, exchange["timezone"])
    if errs:
        return _page(token, None, 422, request.form.to_dict(), errs)
    return _act(
        token,
        lambda x, who, app: handlers.add_item(x, who, details, app.uow(), app.clock),
        _("Agenda item added."),
    )


@party_pages.get("/exchange/<token>/agenda/<item_id>")
def edit_item_form(token, item_id):
    """The form to change one agenda item."""
    exchange, party = _found(token)
    item = next((i for i in exchange["agenda"] if i["item_id"] == item_id), None)
    if item is None or item["status"] != "planned":
        abort(404, description=_("There is no such agenda item."))
    return _edit_page(token, exchange, item_id, forms.item_values(item), {})


def _edit_page(token, exchange, item_id, values, errs, form_error=None, status=200):
    page = render_template(
        "exchanges/edit_item.html",
        exchange=exchange,
        token=token,
        item_id=item_id,
        kinds=ITEM_KINDS,
        values=values,
        errors=errs,
        form_error=form_error,
    )
    return page, status


@party_pages.post("/exchange/<token>/agenda/<item_id>")
def edit_item(token, item_id):
    """Save the changed agenda item (its calendar SEQUENCE rises)."""
    exchange, _party = _found(token)
    details, errs = item_details(request.form, exchange["timezone"])
    if errs:
        return _edit_page(token, exchange, item_id, request.form.to_dict(), errs, status=422)
    return _act(
        token,
        lambda x, who, app: handlers.edit_item(x, item_id, who, details, app.uow(), app.clock),
        _("Agenda item changed."),
    )


@party_pages.route("/exchange/<token>/agenda/<item_id>/remove", methods=["GET", "POST"])
def remove_item(token, item_id):
    """Take an item off the agenda, once confirmed on its confirmation page."""
    if not confirmed():
        exchange, _party = _found(token)
        back = url_for(".exchange_page", token=token)
        return confirmation_page(confirmations.remove_item(exchange, item_id, back))
    return _act(
        token,
        lambda x, who, app: handlers.remove_item(x, item_id, who, app.uow(), app.clock),
        _("Agenda item removed."),
    )
