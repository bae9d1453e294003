"""docker-compose.yml cannot run here (no Docker engine), so check it agrees with the code."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
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


DOCKERFILE = (ROOT / "Dockerfile").read_text()
APPS = {name: spec for name, spec in COMPOSE.items() if "command" in spec and "build" in spec}
WEBS = {name: spec for name, spec in APPS.items() if name.endswith("-web")}
WORKERS = {name: spec for name, spec in APPS.items() if name.endswith("-worker")}


def test_the_broker_has_its_own_user_and_password_and_every_service_uses_them():
    broker = COMPOSE["rabbitmq"]["environment"]
    user, password = broker["RABBITMQ_DEFAULT_USER"], broker["RABBITMQ_DEFAULT_PASS"]
    assert "guest" not in f"{user}{password}"
    assert password.startswith("${RABBITMQ_PASSWORD:?"), "the password comes from the environment"
    for name, spec in APPS.items():
        url = spec["environment"]["AMQP_URL"]
        assert url.startswith(f"amqp://{user}:{password}@rabbitmq:"), name


def test_passwords_and_the_session_key_come_from_the_environment():
    database = COMPOSE["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert database.startswith("${POSTGRES_PASSWORD:?")
    for name, spec in APPS.items():
        env = spec["environment"]
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), name
        for service in SERVICES:
            assert f"postgres:{database}@postgres:" in env[f"{service.upper()}_DATABASE_URL"]


def test_ports_are_published_on_the_loopback_interface_only():
    published = [(name, port) for name, spec in COMPOSE.items() for port in spec.get("ports", [])]
    assert published
    for name, port in published:
        assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_every_image_is_pinned_to_a_version():
    images = {name: spec["image"] for name, spec in COMPOSE.items() if "image" in spec}
    images["Dockerfile"] = re.search(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE).group(1)
    for name, image in images.items():
        _, _, tag = image.rpartition(":")
        assert tag and tag != "latest" and re.search(r"\d+\.\d+", tag), f"{name}: {image}"


def test_the_mint_command_in_the_comments_names_a_compose_service():
    text = (ROOT / "docker-compose.yml").read_text()
    named = re.findall(r"docker compose run --rm ([\w-]+)", text)
    assert named
    for service in named:
        assert service in COMPOSE, service


def test_the_credentials_volume_is_writable_by_the_images_user():
    uid = re.search(r"useradd [^\n]*--uid (\d+) (\w+)", DOCKERFILE)
    assert uid, "the image runs as a user of its own"
    user = uid.group(2)
    for name, spec in APPS.items():
        folder = spec["environment"]["ORGANISER_CREDENTIALS_FILE"].rsplit("/", 1)[0]
        assert f"credentials:{folder}" in spec["volumes"], name
        assert re.search(rf"mkdir -p {folder}\b", DOCKERFILE), f"{folder} is made in the image"
        assert re.search(rf"chown {user}(:{user})? {folder}\b", DOCKERFILE), f"{folder} owner"
    assert DOCKERFILE.index(f"chown {user}") < DOCKERFILE.index(f"USER {user}")


def test_every_worker_has_a_heartbeat_healthcheck_for_its_own_service():
    assert set(WORKERS) == {f"{s}-worker" for s in SERVICES}
    for name, spec in WORKERS.items():
        check = spec["healthcheck"]["test"]
        assert check[:4] == ["CMD", "python", "-m", "shared.heartbeat"], name
        assert check[4] == name.removesuffix("-worker")
        assert importlib.util.find_spec(check[3])


def test_web_services_with_several_gunicorn_workers_aggregate_metrics_in_a_tmpfs():
    for name, spec in WEBS.items():
        command = spec["command"]
        workers = int(command[command.index("--workers") + 1])
        if workers < 2:
            continue
        folder = spec["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        assert folder in spec.get("tmpfs", []), f"{name}: {folder} must be empty at every start"


def test_images_and_installs_use_the_pinned_constraints():
    lines = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line]
    assert all(line.startswith("#") or "==" in line for line in lines), "only exact pins"
    pinned = {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower() for line in lines if "==" in line}
    assert {"flask", "werkzeug", "gunicorn", "kombu", "sqlalchemy", "swagger-ui-bundle"} <= pinned
    assert "COPY pyproject.toml README.md constraints.txt" in DOCKERFILE
    assert "pip install --no-cache-dir -c constraints.txt ." in DOCKERFILE
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -c constraints.txt -e '.[dev]'" in makefile
    assert "pip freeze --exclude-editable" in makefile


def _make_dry_run(target: str, venv: Path) -> str:
    """What ``make <target>`` would run on a fresh virtualenv (``make -n``: nothing runs)."""
    command = ["make", "-n", target, f"VENV={venv}"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_make_run_installs_what_running_needs_and_make_test_adds_the_test_tools(tmp_path):
    run, test = (_make_dry_run(target, tmp_path / "venv") for target in ("run", "test"))
    assert "pip install --quiet -c constraints.txt -e .\n" in run, run
    assert "[dev]" not in run, run
    assert "-c constraints.txt -e '.[dev]'" in test, test
    assert "pytest" in test


def test_a_worker_on_the_embedded_default_beats_and_its_healthcheck_passes(tmp_path):
    env = {**os.environ, "DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    for key in ("AMQP_URL", "REGISTRATION_DATABASE_URL"):
        env.pop(key, None)
    manage = [sys.executable, "-m", "services.registration.entrypoints.manage", "migrate"]
    subprocess.run(manage, env=env, cwd=ROOT, check=True, capture_output=True, timeout=60)
    check = [sys.executable, "-m", "shared.heartbeat", "registration"]
    assert subprocess.run(check, env=env, cwd=ROOT, capture_output=True).returncode == 1

    worker = subprocess.Popen(
        [sys.executable, "-m", "services.registration.entrypoints.worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while subprocess.run(check, env=env, cwd=ROOT, capture_output=True).returncode != 0:
            assert worker.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "no heartbeat within 30 s"
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
