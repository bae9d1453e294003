"""The demo seeding survives a slow, starting platform and is idempotent: a restart never
mints a second organiser credential or creates a second draft."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts import seed_demo
from shared.credentials import CredentialStore


class StubPlatform:
    """Registration's and scheduling's demo endpoints, with faults a test can inject."""

    def __init__(self):
        self.event: dict | None = None
        self.events_created = 0
        self.visits: list[dict] = []
        self.answers: dict[str, tuple[int, dict]] = {}  # Idempotency-Key -> first answer
        self.slow = 0  # the next n requests take longer than the client waits
        self.unavailable = 0  # the next n requests answer 503
        self.unknown_event_reads = 0  # scheduling has not heard of the event n more times
        self.refuse_visits = False

    def handle(self, method: str, path: str, body: dict, key: str | None) -> tuple[int, dict]:
        if self.slow:
            self.slow -= 1
            time.sleep(1.0)
        if self.unavailable:
            self.unavailable -= 1
            return 503, {"detail": "starting"}
        if key and key in self.answers:
            return self.answers[key]
        answer = self._answer(method, path, body)
        if key and answer[0] < 500:
            self.answers[key] = answer
        return answer

    def _answer(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        if (method, path) == ("POST", "/api/v1/events"):
            self.events_created += 1
            self.event = {"id": f"event-{self.events_created}", "status": "draft"}
            return 201, self.event
        if method == "POST" and path.endswith("/publish"):
            self.event["status"] = "published"
            return 200, self.event
        if method == "GET" and path.endswith("/visits"):
            if self.unknown_event_reads:
                self.unknown_event_reads -= 1
                return 404, {"detail": "no such event"}
            return 200, {"items": self.visits}
        if method == "POST" and path.endswith("/visits"):
            if self.refuse_visits:
                return 400, {"detail": "refused"}
            self.visits.append(body)
            return 201, body
        if method == "GET" and self.event and path == f"/api/v1/events/{self.event['id']}":
            return 200, self.event
        return 404, {"detail": "not found"}


@pytest.fixture
def platform():
    stub = StubPlatform()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            key = self.headers.get("Idempotency-Key")
            status, answer = stub.handle(self.command, self.path, body, key)
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: what a timeout looks like from here

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub.url = f"http://127.0.0.1:{server.server_port}"
    yield stub
    server.shutdown()
    server.server_close()


@pytest.fixture
def env(platform, tmp_path, monkeypatch):
    monkeypatch.setattr(seed_demo, "CALL_TIMEOUT", 0.3)
    monkeypatch.setattr(seed_demo, "RETRY_PAUSE", 0.01)
    return {
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "REGISTRATION_PUBLIC_URL": platform.url,
        "SCHEDULING_PUBLIC_URL": platform.url,
        "NOTIFICATIONS_PUBLIC_URL": platform.url,
    }


def credentials(env) -> list:
    return CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).list()


def test_seeding_retries_socket_timeouts_and_5xx_of_a_slow_starting_platform(platform, env):
    platform.slow, platform.unavailable, platform.unknown_event_reads = 2, 2, 3
    seed_demo.seed(env)
    assert platform.events_created == 1 and platform.event["status"] == "published"
    assert [v["title"] for v in platform.visits] == [
        "Grid operator control room",
        "Battery research lab",
    ]


def test_a_timed_out_post_retried_is_applied_once(platform, env):
    platform.slow = 1  # the first POST is handled, but its answer comes too late
    seed_demo.seed(env)
    assert platform.events_created == 1


def test_restarts_mint_no_second_credential_and_create_no_second_draft(platform, env):
    for _ in range(3):
        seed_demo.seed(env)
    assert len(credentials(env)) == 1
    assert platform.events_created == 1 and len(platform.visits) == 2


def test_a_run_cut_short_resumes_where_it_stopped(platform, env):
    platform.refuse_visits = True
    with pytest.raises(urllib.error.HTTPError):
        seed_demo.seed(env)
    platform.refuse_visits = False
    seed_demo.seed(env)
    assert len(credentials(env)) == 1
    assert platform.events_created == 1 and len(platform.visits) == 2


def test_a_revoked_demo_credential_is_replaced_once(platform, env):
    seed_demo.seed(env)
    store = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"])
    store.revoke(store.list()[0].credential_id)
    state = json.loads((seed_demo.Path(env["DATA_DIR"]) / "demo-seeded.json").read_text())
    state.pop("complete")
    (seed_demo.Path(env["DATA_DIR"]) / "demo-seeded.json").write_text(json.dumps(state))
    seed_demo.seed(env)
    seed_demo.seed(env)
    assert len(store.list()) == 1 and platform.events_created == 1


def test_a_real_refusal_is_not_retried(platform, env):
    platform.refuse_visits = True
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError):
        seed_demo.seed(env)
    assert time.monotonic() - started < 5


def test_the_banner_names_what_to_open_the_token_and_the_mailbox(platform, env, capsys):
    seed_demo.seed(env)
    printed = capsys.readouterr().out
    state = json.loads((seed_demo.Path(env["DATA_DIR"]) / "demo-seeded.json").read_text())
    assert f"open {platform.url}/organiser/" in printed
    assert state["organiser_token"] in printed
    assert f"{env['DATA_DIR']}/mailbox/*.eml" in printed
    assert oct((seed_demo.Path(env["DATA_DIR"]) / "demo-seeded.json").stat().st_mode)[-3:] == "600"
