"""Without SECRET_KEY a service starts only as the embedded default; a real deployment
(RabbitMQ or a server database configured) refuses to start rather than sign with a guessable key.
"""

from __future__ import annotations

import importlib

import pytest

from shared.config import SERVICES


def create_app(service: str, env: dict[str, str]):
    return importlib.import_module(f"services.{service}.entrypoints.flask_app").create_app(env)


@pytest.mark.parametrize("service", SERVICES)
def test_a_broker_url_without_secret_key_refuses_to_start(service, make_service_app):
    with pytest.raises(ValueError, match="SECRET_KEY must be set"):
        make_service_app(service, SECRET_KEY="", AMQP_URL="amqp://cx:pw@127.0.0.1:1//")


@pytest.mark.parametrize("service", SERVICES)
def test_a_postgresql_url_without_secret_key_refuses_to_start(service, tmp_path):
    env = {
        "DATA_DIR": str(tmp_path),
        f"{service.upper()}_DATABASE_URL": "postgresql://cx:pw@127.0.0.1:1/cx",
    }
    with pytest.raises(ValueError, match="SECRET_KEY must be set"):
        create_app(service, env)


def test_the_embedded_default_starts_without_secret_key(make_service_app):
    app = make_service_app("registration", SECRET_KEY="")
    assert app.secret_key
    assert app.test_client().get("/organiser/login").status_code == 200


def test_a_real_deployment_with_secret_key_starts(make_service_app):
    app = make_service_app("notifications", AMQP_URL="amqp://cx:pw@127.0.0.1:1//")
    assert app.secret_key == "security-tests"
