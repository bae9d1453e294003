"""Security tests: each service's real app; SQLite where nothing but HTTP plumbing is checked."""

from __future__ import annotations

import importlib

import pytest

from shared.credentials import CredentialStore


@pytest.fixture
def make_service_app(tmp_path):
    """Build a service's app on a migrated SQLite file; disposed afterwards."""
    built = []

    def make(service: str, clock=None, **overrides: str):
        env = {
            f"{service.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / (service + '.db')}",
            "DATA_DIR": str(tmp_path),
            "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
            "SECRET_KEY": "security-tests",
            "PUBLIC_WRITE_RATE_LIMIT": "off",
        } | overrides
        bootstrap = importlib.import_module(f"services.{service}.bootstrap").bootstrap
        bootstrap(env, migrate=True).infrastructure.engine.dispose()
        factory = importlib.import_module(f"services.{service}.entrypoints.flask_app").create_app
        app = factory(env, clock) if clock else factory(env)
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["container"].infrastructure.engine.dispose()


@pytest.fixture
def credentials(tmp_path) -> CredentialStore:
    """The credentials file the apps of make_service_app read."""
    return CredentialStore(tmp_path / "organisers.json")
