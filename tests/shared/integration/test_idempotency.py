"""Idempotency-Key on a small Flask app, on SQLite and on PostgreSQL: replay, 422, 409, expiry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from flask import Flask, Response, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from shared.credentials import CredentialStore
from shared.database import make_engine
from shared.idempotency import init_idempotency, keys
from shared.problems import register_problem_handlers


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'keys.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    built = make_engine(url)
    keys.metadata.create_all(built)
    yield built
    built.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path) -> CredentialStore:
    return CredentialStore(tmp_path / "organisers.json")


@pytest.fixture
def app(engine, clock, store):
    """Counts the orders it really creates; /slow waits until the test lets it go."""
    app = Flask("toy")
    app.extensions["credentials"] = store
    register_problem_handlers(app, {})
    init_idempotency(app, engine, clock)
    app.created, app.failures_left = [], 0
    app.entered, app.release = threading.Event(), threading.Event()
    ids = count(1)

    @app.post("/orders")
    def create_order():
        if app.failures_left:
            app.failures_left -= 1
            raise RuntimeError("database hiccup")
        order = {"id": next(ids), "item": request.get_json()["item"]}
        app.created.append(order)
        response = jsonify(order)
        response.status_code = 201
        response.headers["Location"] = f"/orders/{order['id']}"
        response.set_cookie("session", "secret")
        return response

    @app.post("/orders/refused")
    def refuse():
        return Response('{"title":"no"}', status=409, mimetype="application/problem+json")

    @app.post("/slow")
    def slow():
        app.entered.set()
        app.release.wait(10)
        app.created.append("slow")
        return jsonify(done=True), 201

    return app


def _post(client, key, body=None, path="/orders", **headers):
    return client.post(
        path, json=body or {"item": "seat"}, headers={"Idempotency-Key": key} | headers
    )


def test_the_same_key_and_body_replays_the_first_response_byte_for_byte(app):
    client = app.test_client()
    first = _post(client, "k-1")
    again = _post(client, "k-1")

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"] == "/orders/1"
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Set-Cookie" not in again.headers  # never stored, never replayed
    assert len(app.created) == 1


def test_without_a_key_every_post_runs(app):
    client = app.test_client()
    client.post("/orders", json={"item": "seat"})
    client.post("/orders", json={"item": "seat"})
    assert len(app.created) == 2


def test_the_same_key_with_another_body_or_path_is_a_422_problem(app):
    client = app.test_client()
    _post(client, "k-2")
    for other in (_post(client, "k-2", {"item": "bed"}), _post(client, "k-2", path="/slow")):
        assert other.status_code == 422
        assert other.mimetype == "application/problem+json"
        assert "different request" in other.json["detail"]
    assert len(app.created) == 1


def test_a_key_still_in_flight_is_a_409_problem_and_the_request_runs_once(app):
    client = app.test_client()
    answers = []
    worker = threading.Thread(target=lambda: answers.append(_post(client, "k-3", path="/slow")))
    worker.start()
    assert app.entered.wait(10)

    busy = _post(client, "k-3", path="/slow")
    app.release.set()
    worker.join(10)

    assert busy.status_code == 409
    assert busy.mimetype == "application/problem+json"
    assert busy.headers["Retry-After"] == "1"
    assert answers[0].status_code == 201
    assert _post(client, "k-3", path="/slow").get_data() == answers[0].get_data()
    assert app.created == ["slow"]


def test_concurrent_requests_with_one_key_run_exactly_once(app):
    client = app.test_client()
    statuses: list[int] = []
    start = threading.Barrier(6)

    def send() -> None:
        start.wait(10)
        statuses.append(_post(client, "k-race", path="/slow").status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    assert app.entered.wait(10)
    while len(statuses) < 5:  # the five losers answer at once, while the winner waits
        threading.Event().wait(0.01)
    app.release.set()
    for thread in threads:
        thread.join(10)

    assert sorted(statuses) == [201] + [409] * 5
    assert app.created == ["slow"]


def test_a_server_error_is_not_kept_so_the_retry_runs(app):
    client = app.test_client()
    app.failures_left = 1
    assert _post(client, "k-4").status_code == 500
    retried = _post(client, "k-4")
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert len(app.created) == 1


def test_client_errors_are_kept_and_replayed(app):
    client = app.test_client()
    first = _post(client, "k-5", path="/orders/refused")
    again = _post(client, "k-5", path="/orders/refused")
    assert first.status_code == again.status_code == 409
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_keys_expire_after_24_hours(app, clock, engine):
    client = app.test_client()
    _post(client, "k-6")
    clock.now += timedelta(hours=23, minutes=59)
    assert _post(client, "k-6").headers.get("Idempotent-Replayed") == "true"

    clock.now += timedelta(minutes=1)
    fresh = _post(client, "k-6", {"item": "bed"})  # expired: the key is free again
    assert fresh.status_code == 201
    assert "Idempotent-Replayed" not in fresh.headers
    assert len(app.created) == 2

    clock.now += timedelta(days=2)
    assert app.extensions["idempotency"].purge(force=True) == 1
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(keys)) == 0


def test_an_abandoned_in_flight_key_is_taken_over_after_its_lease(app, clock, engine):
    client = app.test_client()
    store = app.extensions["idempotency"]
    claim, _ = store.claim("scope-of-a-dead-process", "fingerprint")
    assert claim is not None
    clock.now += timedelta(minutes=5)
    again, _ = store.claim("scope-of-a-dead-process", "fingerprint")
    assert again is not None and again != claim
    assert _post(client, "k-7").status_code == 201


def test_keys_belong_to_their_caller(app, store):
    client = app.test_client()
    _, tess = store.mint("Tess")
    _, olaf = store.mint("Olaf")
    as_tess = _post(client, "shared-key", Authorization=f"Bearer {tess}")
    as_olaf = _post(client, "shared-key", Authorization=f"Bearer {olaf}")
    anonymous = _post(client, "shared-key")
    with_token = _post(client, "shared-key", **{"X-Participant-Token": "abc"})

    replays = [r.headers.get("Idempotent-Replayed") for r in (as_olaf, anonymous, with_token)]
    assert replays == [None, None, None]
    assert {r.json["id"] for r in (as_tess, as_olaf, anonymous, with_token)} == {1, 2, 3, 4}


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_an_empty_or_overlong_key_is_a_400_problem(app, key):
    response = _post(app.test_client(), key)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert app.created == []


def test_any_request_sweeps_expired_keys_now_and_then(app, clock, engine):
    client = app.test_client()
    _post(client, "k-8")
    clock.now += timedelta(hours=24, minutes=10)

    assert client.get("/healthz").status_code == 404  # the toy has no probe: any request will do

    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(keys)) == 0


def test_a_failing_sweep_does_not_fail_the_request(app, engine):
    keys.drop(engine)
    response = app.test_client().get("/orders")
    assert response.status_code == 405  # answered as usual; the sweep's error was only logged


def test_a_database_lost_after_the_view_still_gives_the_client_the_views_answer(app, monkeypatch):
    # found by the chaos run: a database crash between the view's commit and keeping its
    # answer made the client see a 500 for a registration that had committed
    store = app.extensions["idempotency"]

    def database_gone(*args, **kwargs):
        raise OperationalError("UPDATE idempotency_keys", {}, ConnectionError("server closed"))

    monkeypatch.setattr(store, "finish", database_gone)
    response = _post(app.test_client(), "k-crash")

    assert response.status_code == 201 and response.json["item"] == "seat"
    assert len(app.created) == 1


def test_a_failure_other_than_an_outage_while_keeping_the_answer_still_raises(app, monkeypatch):
    store = app.extensions["idempotency"]
    monkeypatch.setattr(store, "finish", lambda *a, **k: (_ for _ in ()).throw(ValueError("bug")))

    assert _post(app.test_client(), "k-bug").status_code == 500
