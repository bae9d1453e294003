"""axe-core itself: the vendored copy is the pinned one, it finds what it should, and the
notifications service's organiser pages (outside the live platform) pass it too."""

from __future__ import annotations

import hashlib
import re
import threading

import pytest
from werkzeug.serving import make_server

from shared.credentials import CredentialStore
from tests.e2e.accessibility import AXE, blocking, violations
from tests.e2e.pages import Browser

README = AXE.parent / "README.md"


def test_the_vendored_axe_core_is_the_pinned_copy():
    pinned = re.search(r"`axe.min.js` sha256 `([0-9a-f]{64})`", README.read_text()).group(1)
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == pinned
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.14.1")


def test_axe_reports_a_page_that_breaks_the_rules(browser):
    browser.get("data:text/html,<html><body><img src='x.png'><table><tr><th></th></tr></table>")
    found = {v["id"]: v["impact"] for v in violations(browser)}
    assert found["image-alt"] == "critical" and "html-has-lang" in found
    assert blocking(violations(browser))


@pytest.fixture
def notifications_site(tmp_path):
    """The notifications web app on SQLite at a loopback port, and a credential for it."""
    from services.notifications.bootstrap import bootstrap
    from services.notifications.entrypoints.flask_app import create_app

    env = {
        "NOTIFICATIONS_DATABASE_URL": f"sqlite:///{tmp_path / 'notifications.db'}",
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "SECRET_KEY": "axe-tests",
    }
    bootstrap(env, migrate=True).infrastructure.engine.dispose()
    app = create_app(env)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _, credential = CredentialStore(tmp_path / "organisers.json").mint("Tess")
    try:
        yield f"http://127.0.0.1:{server.server_port}", credential
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["container"].infrastructure.engine.dispose()


def test_the_delivery_log_and_webhook_pages_have_no_violation_at_all(browser, notifications_site):
    site, credential = notifications_site
    web = Browser(browser)
    web.open(f"{site}/organiser/notifications")
    web.login(credential)
    web.until(lambda: "Delivery log" in web.text("h1"))
    assert violations(browser) == []  # the minor empty-table-header of its last column too
    web.open(f"{site}/organiser/webhooks")
    assert violations(browser) == []
