"""The registration service's Flask app (gunicorn: ``...flask_app:create_app()``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from flask import Flask

from services.registration.attendance.entrypoints.api import ERRORS as ATTENDANCE_ERRORS
from services.registration.attendance.entrypoints.api import attendance_blp
from services.registration.attendance.entrypoints.pages import attendance_pages
from services.registration.attendance.entrypoints.visit_list_api import visit_list_blp
from services.registration.attendance.entrypoints.visit_list_pages import visit_list_pages
from services.registration.bootstrap import bootstrap
from services.registration.domain import errors
from services.registration.entrypoints.api import events_blp, participants_blp, roster_blp
from services.registration.entrypoints.organiser_pages import organiser_pages
from services.registration.entrypoints.pages import participant_pages
from services.registration.entrypoints.problem_texts import PROBLEMS
from services.registration.entrypoints.registration_page import registration_page
from shared.app_factory import create_service_app
from shared.infrastructure import utc_now
from shared.metrics import add_collector

DOMAIN_ERRORS = {
    errors.NotFound: 404,
    errors.InvalidEvent: 422,
    errors.EventNotOpen: 409,
    errors.EventFull: 409,
    errors.AlreadyRegistered: 409,
    errors.InvalidTransition: 409,
    errors.LinkUsed: 409,
    errors.LinkExpired: 410,
    errors.Erased: 410,
    errors.InvalidCorrection: 422,
    **ATTENDANCE_ERRORS,
}


def create_app(
    env: Mapping[str, str] | None = None, clock: Callable[[], datetime] = utc_now
) -> Flask:
    """Build the app from the environment (or the given mapping)."""
    container = bootstrap(env, clock)
    app = create_service_app(
        container.infrastructure,
        "Registration API",
        [events_blp, participants_blp, roster_blp, attendance_blp, visit_list_blp],
        DOMAIN_ERRORS,
        container,
        problems=PROBLEMS,
        pages=[
            participant_pages,
            organiser_pages,
            registration_page,
            attendance_pages,
            visit_list_pages,
        ],
        page_links={"home": "/", "organiser_home": "/organiser/"},
    )
    for collector in container.collectors():
        add_collector(app, collector)
    return app
