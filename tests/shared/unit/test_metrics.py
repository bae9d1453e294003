"""/metrics on a service app (SQLite, embedded broker): request histogram and outbox gauges."""

from __future__ import annotations

import math
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask_smorest import Blueprint
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import MetaData, insert

from shared.app_factory import create_service_app
from shared.config import broker_settings
from shared.infrastructure import build_infrastructure
from shared.metrics import DeadLetterCollector, OutboxCollector
from shared.persistence import outbox_table

blp = Blueprint("things", __name__, url_prefix="/api/v1")


@blp.route("/manage/<token>")
def manage(token):
    return {"ok": True}


metadata = MetaData()
outbox = outbox_table(metadata)


def samples(response) -> dict[tuple[str, frozenset], float]:
    """Every sample of an exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


@pytest.fixture
def infrastructure(tmp_path):
    built = build_infrastructure("registration", {"DATA_DIR": str(tmp_path)})
    metadata.create_all(built.engine)
    yield built
    built.engine.dispose()


@pytest.fixture
def app(infrastructure):
    return create_service_app(infrastructure, "Test API", [blp], {}, container=None)


def add_outbox_row(engine, created_at: datetime, **values) -> None:
    with engine.begin() as db:
        db.execute(
            insert(outbox).values(
                message_id=str(uuid.uuid4()),
                message_type="test.ping",
                exchange="cx.registration.events",
                body="{}",
                created_at=created_at,
                attempts=0,
                **values,
            )
        )


def test_metrics_is_public_text_exposition_and_not_in_the_openapi_document(app):
    client = app.test_client()

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "# TYPE cx_http_request_duration_seconds histogram" in response.get_data(as_text=True)
    assert "/metrics" not in client.get("/openapi.json").json["paths"]


def test_requests_are_timed_by_route_pattern_never_by_path(app):
    client = app.test_client()
    client.get("/api/v1/manage/s3cret-token")
    client.get("/nowhere/else-s3cret")

    response = client.get("/metrics")
    text = response.get_data(as_text=True)
    found = samples(response)

    route = "/api/v1/manage/<token>"
    labels = {"service": "registration", "method": "GET", "route": route, "status": "200"}
    assert found[("cx_http_request_duration_seconds_count", frozenset(labels.items()))] == 1
    missing = labels | {"route": "(no route)", "status": "404"}
    assert found[("cx_http_request_duration_seconds_count", frozenset(missing.items()))] == 1
    assert "s3cret" not in text


def test_repeated_requests_add_up_in_one_series_per_method_route_and_status(app):
    client = app.test_client()
    for _ in range(3):
        client.get("/api/v1/manage/a-token")
    client.open("/api/v1/manage/a-token", method="BREW")
    client.open("/api/v1/manage/a-token", method="MKCOL")

    found = samples(client.get("/metrics"))

    def count(method: str, status: str) -> float:
        labels = {"service": "registration", "method": method, "status": status}
        labels["route"] = "/api/v1/manage/<token>" if status == "200" else "(no route)"
        return found[("cx_http_request_duration_seconds_count", frozenset(labels.items()))]

    assert count("GET", "200") == 3
    assert count("other", "405") == 2  # unknown methods share one series


def test_outbox_gauges_count_pending_and_parked_rows_and_the_oldest_ones_age(app, infrastructure):
    now = datetime.now(UTC)
    add_outbox_row(infrastructure.engine, now - timedelta(seconds=90))
    add_outbox_row(infrastructure.engine, now - timedelta(seconds=5))
    add_outbox_row(infrastructure.engine, now - timedelta(hours=2), sent_at=now)
    add_outbox_row(infrastructure.engine, now - timedelta(hours=3), failed_at=now)

    found = samples(app.test_client().get("/metrics"))

    service = frozenset({"service": "registration"}.items())
    assert found[("cx_outbox_pending_messages", service)] == 2
    assert found[("cx_outbox_failed_messages", service)] == 1
    assert 90 <= found[("cx_outbox_lag_seconds", service)] < 120


def test_an_empty_outbox_has_no_lag(app):
    found = samples(app.test_client().get("/metrics"))

    service = frozenset({"service": "registration"}.items())
    assert found[("cx_outbox_pending_messages", service)] == 0
    assert found[("cx_outbox_lag_seconds", service)] == 0


def test_an_unreadable_database_gives_unknown_figures_not_an_error(infrastructure):
    metadata.drop_all(infrastructure.engine)

    assert all(math.isnan(v) for v in OutboxCollector("x", infrastructure.engine).measure())


def test_the_embedded_broker_reports_no_dead_letter_gauge(tmp_path):
    collector = DeadLetterCollector("notifications", broker_settings({"DATA_DIR": str(tmp_path)}))

    assert list(collector.collect()) == []


def test_an_unreachable_broker_is_reported_as_unknown_quickly(tmp_path):
    settings = broker_settings(
        {"DATA_DIR": str(tmp_path), "AMQP_URL": "amqp://guest:guest@127.0.0.1:1//"}
    )
    started = time.monotonic()

    (family,) = DeadLetterCollector("notifications", settings).collect()

    assert math.isnan(family.samples[0].value)
    assert time.monotonic() - started < 5


SCRIPT = """
from flask_smorest import Blueprint
from shared.app_factory import create_service_app
from shared.infrastructure import build_infrastructure
from tests.shared.unit.test_metrics import blp, metadata
infrastructure = build_infrastructure("registration", {"DATA_DIR": DATA_DIR})
metadata.create_all(infrastructure.engine)
client = create_service_app(infrastructure, "Test API", [blp], {}, container=None).test_client()
client.get("/api/v1/manage/s3cret-token")
print(client.get("/metrics").get_data(as_text=True))
"""


def test_with_a_multiprocess_directory_the_histogram_adds_up_every_process(tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    script = f"DATA_DIR = {str(tmp_path)!r}\n" + SCRIPT

    def run_process() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run_process()
    second = run_process()  # another process, as another gunicorn worker would be

    labels = 'method="GET",route="/api/v1/manage/<token>",service="registration",status="200"'
    assert f"cx_http_request_duration_seconds_count{{{labels}}} 2.0" in second
    assert "cx_outbox_pending_messages" in second
