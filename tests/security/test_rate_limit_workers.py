"""With shared storage, the public write limit holds across gunicorn workers and proxies."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from limits import RateLimitItemPerSecond

from shared.ratelimit import PublicWriteLimiter

REDIS = "redis://127.0.0.1:6379/0"
LIMIT = 4


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379")


def _client_ip() -> str:
    """A documentation address of this run's own, so reruns start with a fresh budget."""
    return f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def test_two_limiters_sharing_redis_share_one_budget_per_service():
    service, client = f"svc-{uuid.uuid4().hex[:8]}", _client_ip()
    rate = RateLimitItemPerSecond(2, 60)
    first, second = (PublicWriteLimiter(service, rate, REDIS) for _ in range(2))
    other = PublicWriteLimiter(f"{service}-other", rate, REDIS)

    assert [first.hit(client), second.hit(client)] == [None, None]
    assert 0 < (first.hit(client) or 0) <= 60
    assert 0 < (second.hit(client) or 0) <= 60
    assert other.hit(client) is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn never became healthy")


def _post(base: str, forwarded_for: str) -> tuple[int, str | None]:
    request = urllib.request.Request(
        f"{base}/api/v1/events/00000000-0000-0000-0000-000000000000/registrations",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Retry-After")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers.get("Retry-After")


@pytest.fixture
def gunicorn_two_workers(tmp_path):
    """The registration app under gunicorn with 2 workers, counting in Redis, behind 1 proxy."""
    from services.registration.bootstrap import bootstrap

    env = {
        **os.environ,
        "REGISTRATION_DATABASE_URL": f"sqlite:///{tmp_path / 'reg.db'}",
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": "rate-limit-test",
        "PUBLIC_WRITE_RATE_LIMIT": f"{LIMIT}/minute",
        "RATE_LIMIT_STORAGE_URL": REDIS,
        "TRUSTED_PROXIES": "1",
    }
    bootstrap(env, migrate=True).infrastructure.engine.dispose()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "services.registration.entrypoints.flask_app:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_gunicorn_workers_enforce_the_limit_once_with_429_and_retry_after(
    gunicorn_two_workers,
):
    client = _client_ip()
    answers = [_post(gunicorn_two_workers, client) for _ in range(3 * LIMIT)]

    allowed = [status for status, _retry in answers if status != 429]
    refused = [retry for status, retry in answers if status == 429]
    assert len(allowed) == LIMIT  # once, not once per worker
    assert len(refused) == 2 * LIMIT
    assert all(retry is not None and 1 <= int(retry) <= 60 for retry in refused)
    # the proxy's hop is trusted: another forwarded client has a budget of its own
    assert _post(gunicorn_two_workers, _client_ip())[0] != 429
