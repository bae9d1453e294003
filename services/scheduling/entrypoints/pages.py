"""Participant pages: "my visits", reached from registration's manage page by the feed token."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.scheduling.domain import errors
from services.scheduling.service_layer import handlers, views
from services.scheduling.service_layer.feeds import PARTICIPANT
from shared.calendar_links import subscription_links
from shared.pages.layout import page_blueprint
from shared.pages.problem_text import problem_text
from shared.text import single_line_error

participant_pages = page_blueprint("participant_pages", __name__)
REFUSALS = (errors.Conflict, errors.InvalidVisit, errors.Forbidden)


def _app():
    return current_app.extensions["container"]


def _registration_id(token: str) -> str:
    registration_id = views.registration_for_token(_app().uow(), token)
    if registration_id is None:
        abort(404, description=_("This link is unknown or no longer valid."))
    return registration_id


@participant_pages.get("/my/<token>")
def my_visits(token):
    """The event's study visits: join or leave them, rank parallel ones, get the feed."""
    app = _app()
    page = views.participant_page(app.uow(), token, app.feeds)
    if page is None:
        abort(404, description=_("This link is unknown or no longer valid."))
    if page.title is None:
        abort(404, description=_("The programme of this workshop is not published yet."))
    registration, visits, blocks = page.registration, page.visits, page.blocks
    for visit in visits:
        booked = {p["registration_id"] for p in visit.pop("participants")}
        visit["joined"] = registration["id"] in booked
    ranked = {}
    for block in blocks:
        mine = [p for p in block.pop("allocation") if p["registration_id"] == registration["id"]]
        ranked[block["id"]] = mine[0] if mine else None
    return render_template(
        "scheduling/my_visits.html",
        title=page.title,
        registration=registration,
        visits=visits,
        by_id={v["id"]: v for v in visits},
        blocks=blocks,
        ranked=ranked,
        token=token,
        feed=subscription_links(app.feeds.url(PARTICIPANT, token)),
    )


@participant_pages.post("/my/<token>/visits/<visit_id>/<action>")
def join_or_leave(token, visit_id, action):
    """Join or leave a visit; refusals (full, clash, not confirmed) are explained."""
    app = _app()
    registration_id = _registration_id(token)
    try:
        if action == "join":
            handlers.join_visit(visit_id, registration_id, app.uow(), app.clock, app.policy, True)
            flash(_("You joined the visit. It is in your calendar feed."))
        elif action == "leave":
            handlers.leave_visit(visit_id, registration_id, "left", app.uow(), app.clock)
            flash(_("You left the visit."))
        else:
            abort(404)
    except REFUSALS as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
    return redirect(url_for(".my_visits", token=token), 303)


@participant_pages.post("/my/<token>/blocks/<block_id>/rank")
def rank(token, block_id):
    """Rank a block's parallel visits (1 = most wanted); seats are allocated when it closes."""
    app = _app()
    registration_id = _registration_id(token)
    chosen = [
        (int(value), key.removeprefix("rank-"))
        for key, value in request.form.items()
        if key.startswith("rank-") and value.isdigit()
    ]
    if any(single_line_error(visit_id) for _, visit_id in chosen):
        abort(422, _("A ranked visit id is not valid."))
    ranking = [visit_id for _, visit_id in sorted(chosen)]
    try:
        handlers.rank_visits(block_id, registration_id, ranking, app.uow(), app.clock)
        flash(_("Your preferences are saved."))
    except REFUSALS as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
    return redirect(url_for(".my_visits", token=token), 303)
