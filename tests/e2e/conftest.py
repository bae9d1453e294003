"""The platform for browser tests: registration and scheduling web apps on loopback ports,
their workers in threads (real RabbitMQ, fresh PostgreSQL databases), and headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from werkzeug.serving import make_server

from shared.broker import connect
from shared.credentials import CredentialStore
from shared.runtime import build_worker
from shared.topology import platform_topology
from tests.infrastructure import fresh_database

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Platform:
    """Where the running services are, and an organiser credential that works on all of them."""

    registration: str
    scheduling: str
    credential: str
    verification_link: Callable[[str], str]
    exchange_link: Callable[[str, str], str]


def _verification_links(engine: Engine) -> Callable[[str], str]:
    """The mail client of these tests (no notifications service runs here): the link of the
    latest verification message registration published for an address."""
    from services.registration.adapters.orm import outbox

    def link(address: str) -> str:
        query = select(outbox.c.body).where(
            outbox.c.message_type == "registration.verification_requested"
        )
        with engine.connect() as db:
            asked = [json.loads(body)["payload"] for body in db.scalars(query)]
        return [a["verify_url"] for a in asked if a["participant"]["email"] == address][-1]

    return link


def _exchange_links(engine: Engine) -> Callable[[str, str], str]:
    """The mail client for exchanges: the page link the latest ``exchange.<kind>`` message
    carries for the visitor or the host."""
    from services.scheduling.adapters.orm import outbox

    def link(kind: str, side: str) -> str:
        query = select(outbox.c.body).where(outbox.c.message_type == f"exchange.{kind}")
        with engine.connect() as db:
            bodies = [json.loads(body)["payload"] for body in db.scalars(query)]
        return bodies[-1]["contacts"][side]["page_url"]

    return link


class _Background:
    """Threads to stop when the test ends."""

    def __init__(self):
        self.stops = []
        self.threads = []

    def start(self, target, stop) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self.threads.append(thread)
        self.stops.append(stop)

    def stop(self) -> None:
        for stop in reversed(self.stops):
            stop()
        for thread in self.threads:
            thread.join(timeout=10)


def _serve(background: _Background, app, port: int) -> None:
    server = make_server("127.0.0.1", port, app, threaded=True)
    background.start(server.serve_forever, server.shutdown)


def _run_workers(background: _Background, registration, scheduling) -> None:
    from services.registration.adapters.orm import outbox as registration_outbox
    from services.registration.attendance.service_layer import visits
    from services.scheduling.adapters.orm import outbox as scheduling_outbox
    from services.scheduling.service_layer import read_model

    settings = registration.infrastructure.settings.broker
    with connect(settings) as connection:
        platform_topology(settings).declare(connection.default_channel)
    relay, visits_consumer = build_worker(
        "registration",
        settings,
        registration.infrastructure.engine,
        registration_outbox,
        registration.uow,
        {"visits": visits.handlers()},
    )
    background.start(relay.run, relay.stop)
    background.start(visits_consumer.run, lambda: setattr(visits_consumer, "should_stop", True))
    relay, consumer = build_worker(
        "scheduling",
        settings,
        scheduling.infrastructure.engine,
        scheduling_outbox,
        scheduling.uow,
        {"registrations": read_model.handlers(scheduling.clock)},
        read_model.prepare,
    )
    background.start(relay.run, relay.stop)
    background.start(consumer.run, lambda: setattr(consumer, "should_stop", True))


@pytest.fixture
def live_platform(postgres_server_url, amqp_url, namespace, tmp_path):
    """Both web apps and workers running for real; torn down after the test."""
    from services.registration.bootstrap import bootstrap as registration_bootstrap
    from services.registration.entrypoints.flask_app import create_app as registration_app
    from services.scheduling.bootstrap import bootstrap as scheduling_bootstrap
    from services.scheduling.entrypoints.flask_app import create_app as scheduling_app

    databases = [fresh_database(postgres_server_url) for _ in range(2)]
    ports = _free_port(), _free_port()
    env = {
        "AMQP_URL": amqp_url,
        "BROKER_NAMESPACE": namespace,
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "SECRET_KEY": "e2e-secret",
        "REGISTRATION_DATABASE_URL": databases[0][0],
        "SCHEDULING_DATABASE_URL": databases[1][0],
        "REGISTRATION_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}",
        "SCHEDULING_PUBLIC_URL": f"http://127.0.0.1:{ports[1]}",
        "FEED_CACHE_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    registration = registration_bootstrap(env, migrate=True)
    scheduling = scheduling_bootstrap(env, migrate=True)
    background = _Background()
    apps = registration_app(env), scheduling_app(env)
    try:
        for app, port in zip(apps, ports, strict=True):
            _serve(background, app, port)
        _run_workers(background, registration, scheduling)
        _, credential = CredentialStore(tmp_path / "organisers.json").mint("Tess Organiser")
        yield Platform(
            env["REGISTRATION_PUBLIC_URL"],
            env["SCHEDULING_PUBLIC_URL"],
            credential,
            _verification_links(registration.infrastructure.engine),
            _exchange_links(scheduling.infrastructure.engine),
        )
    finally:
        background.stop()
        for container in (registration, scheduling, *(a.extensions["container"] for a in apps)):
            container.infrastructure.engine.dispose()
        for _, drop in databases:
            drop()


@pytest.fixture
def browser():
    """Headless Chromium through chromedriver (a missing browser fails under CI=true)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        message = "chromium and chromium-driver are not installed (apt-get install them)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cx-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def screenshot(browser):
    """Save a screenshot under docs/screenshots when SAVE_SCREENSHOTS=1 (for the README)."""

    def take(name: str, width: int = 1280, height: int = 900) -> None:
        if os.environ.get("SAVE_SCREENSHOTS") != "1":
            return
        browser.set_window_size(width, height)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        browser.set_window_size(1280, 900)

    return take
