"""Property-based fuzzing of each service's OpenAPI document with schemathesis.

Every generated request, anonymous and as an organiser, must get a non-5xx answer, and every
4xx must be problem+json. ``FUZZ_EXAMPLES`` sets the cases per operation (small in CI,
``make fuzz`` runs many more).
"""

from __future__ import annotations

import importlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from shared.config import SERVICES
from shared.credentials import CredentialStore

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


def _app(service: str, tmp_path):
    env = {
        f"{service.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / (service + '.db')}",
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "SECRET_KEY": "fuzz",
        "PUBLIC_WRITE_RATE_LIMIT": "off",  # every generated write comes from one address
    }
    importlib.import_module(f"services.{service}.bootstrap").bootstrap(env, migrate=True)
    flask_app = importlib.import_module(f"services.{service}.entrypoints.flask_app")
    return flask_app.create_app(env)


def _is_problem(response) -> bool:
    return "application/problem+json" in str(response.headers).lower()


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("as_organiser", [False, True], ids=["anonymous", "organiser"])
def test_generated_requests_never_get_a_server_error(service, as_organiser, tmp_path):
    app = _app(service, tmp_path)
    _, token = CredentialStore(tmp_path / "organisers.json").mint("Fuzzer")
    headers = {"Authorization": f"Bearer {token}"} if as_organiser else {}
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures, calls = [], 0

    def fuzz(operation) -> None:
        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            nonlocal calls
            response = case.call(headers=headers)
            calls += 1
            status = response.status_code
            if status >= 500 or (400 <= status < 500 and not _is_problem(response)):
                failures.append(f"{operation.label} -> {status}: {response.text[:300]}")

        call()

    for result in schema.get_all_operations():
        fuzz(result.ok())
    app.extensions["container"].infrastructure.engine.dispose()
    assert calls >= EXAMPLES  # the fuzzer really ran
    assert not failures, "\n".join(failures[:10])
