"""docker-compose.yml cannot run here (no Docker engine), so check it agrees with the code."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml

from shared.config import SERVICES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_compose_runs_broker_database_mail_sink_migrations_and_each_service():
    expected = {"rabbitmq", "postgres", "mailpit", "migrate"}
    expected |= {f"{s}-{role}" for s in SERVICES for role in ("web", "worker")}
    assert expected <= set(COMPOSE)


def test_every_python_entrypoint_in_compose_exists():
    for name, spec in COMPOSE.items():
        command = spec.get("command")
        if not command:
            continue
        text = command if isinstance(command, str) else " ".join(command)
        for module in re.findall(r"-m (services\.[\w.]+)", text):
            assert importlib.util.find_spec(module), f"{name}: no module {module}"
        for target in re.findall(r"(services\.[\w.]+):(\w+)\(\)", text):
            module = importlib.import_module(target[0])
            assert callable(getattr(module, target[1])), f"{name}: no factory {target}"


def test_each_service_gets_its_own_database_created_at_init():
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    env = COMPOSE["registration-web"]["environment"]
    for service in SERVICES:
        url = env[f"{service.upper()}_DATABASE_URL"]
        database = url.rsplit("/", 1)[1]
        assert database == service
        assert f"CREATE DATABASE {database};" in init


def test_infrastructure_and_web_containers_have_healthchecks():
    for name in ["rabbitmq", "postgres"] + [f"{s}-web" for s in SERVICES]:
        assert "healthcheck" in COMPOSE[name], name
    assert "management" in COMPOSE["rabbitmq"]["image"]
