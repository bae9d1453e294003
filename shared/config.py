"""Configuration read from the environment, only when a factory asks for it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SERVICES = ("registration", "scheduling", "notifications")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def number(env: Mapping[str, str], name: str, default: float) -> float:
    """A non-negative number from the environment, refused loudly when malformed."""
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def iso_date(name: str, raw: str) -> date:
    """An ISO date (YYYY-MM-DD) read from the variable ``name``, refused loudly when malformed."""
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), not {raw!r}") from None


def optional_date(env: Mapping[str, str], name: str) -> date | None:
    """An ISO date from the environment, or None when unset."""
    raw = (env.get(name) or "").strip()
    return iso_date(name, raw) if raw else None


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the embedded default keeps its SQLite files and broker folder."""
    env = os.environ if env is None else env
    return Path(env.get("DATA_DIR", "var")).resolve()


# The file-backed kombu transport used when no AMQP_URL is configured.
EMBEDDED_BROKER_URL = "filesystem://"
# Public (non-organiser) POST/PUT/PATCH/DELETE per client IP and web process; "off" disables.
DEFAULT_PUBLIC_WRITE_RATE_LIMIT = "120/minute"
DEFAULT_MAX_CONTENT_LENGTH = 256 * 1024  # bytes of a request body, API and page forms alike


@dataclass(frozen=True)
class BrokerSettings:
    """How to reach the broker and how to shape the topology on it."""

    url: str
    namespace: str = "cx"
    quorum_queues: bool = False
    prefetch: int = 1000
    heartbeat: int = 30
    confirm_timeout: float = 10.0
    max_attempts: int = 5
    retry_base_delay: float = 1.0
    relay_idle_seconds: float = 0.05
    relay_fallback_seconds: float = 1.0
    outbox_batch: int = 200
    outbox_retention_hours: float = 168.0
    inbox_retention_hours: float = 168.0
    data_dir: Path = field(default_factory=lambda: Path("var"))

    @property
    def embedded(self) -> bool:
        """True when using the file-backed transport instead of RabbitMQ."""
        return self.url == EMBEDDED_BROKER_URL

    def transport_options(self) -> dict:
        """Kombu transport options: publisher confirms on AMQP, folders for the file transport."""
        if not self.embedded:
            return {"confirm_publish": True}
        folder = self.data_dir / "broker"
        for sub in ("queues", "control", "processed"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return {
            "data_folder_in": str(folder / "queues"),
            "data_folder_out": str(folder / "queues"),
            "control_folder": str(folder / "control"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "polling_interval": 0.1,
        }


@dataclass(frozen=True)
class ServiceSettings:
    """Everything one service needs from its environment."""

    service: str
    database_url: str
    broker: BrokerSettings
    public_base_url: str
    organiser_credentials_file: Path
    log_level: str = "INFO"
    secret_key: str | None = None
    public_urls: Mapping[str, str] = field(default_factory=dict)
    public_write_rate_limit: str = DEFAULT_PUBLIC_WRITE_RATE_LIMIT
    rate_limit_storage_url: str = "memory://"
    trusted_proxies: int = 0
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH
    organiser_session_hours: float = 12.0
    organiser_session_store_url: str = ""
    organiser_cookie_domain: str | None = None


def public_url_for(service: str, env: Mapping[str, str]) -> str:
    """Base URL at which a service is reachable by people and calendar apps."""
    defaults = {"registration": 8001, "scheduling": 8002, "notifications": 8003}
    key = f"{service.upper()}_PUBLIC_URL"
    return env.get(key, f"http://127.0.0.1:{defaults[service]}").rstrip("/")


def broker_settings(env: Mapping[str, str] | None = None) -> BrokerSettings:
    """Broker settings from AMQP_URL and friends; the embedded transport when unset."""
    env = os.environ if env is None else env
    directory = data_dir(env)
    return BrokerSettings(
        url=env.get("AMQP_URL") or EMBEDDED_BROKER_URL,
        namespace=env.get("BROKER_NAMESPACE", "cx"),
        quorum_queues=_flag(env.get("QUORUM_QUEUES"), False),
        prefetch=int(env.get("BROKER_PREFETCH", "1000")),
        heartbeat=int(env.get("BROKER_HEARTBEAT", "30")),
        confirm_timeout=float(env.get("BROKER_CONFIRM_TIMEOUT", "10")),
        max_attempts=int(env.get("MESSAGE_MAX_ATTEMPTS", "5")),
        retry_base_delay=float(env.get("MESSAGE_RETRY_BASE_DELAY", "1.0")),
        relay_idle_seconds=float(env.get("OUTBOX_RELAY_IDLE_SECONDS", "0.05")),
        relay_fallback_seconds=float(env.get("OUTBOX_RELAY_FALLBACK_SECONDS", "1.0")),
        outbox_batch=int(env.get("OUTBOX_BATCH", "200")),
        outbox_retention_hours=float(env.get("OUTBOX_RETENTION_HOURS", "168")),
        inbox_retention_hours=float(env.get("INBOX_RETENTION_HOURS", "168")),
        data_dir=directory,
    )


def service_settings(service: str, env: Mapping[str, str] | None = None) -> ServiceSettings:
    """Settings of one service; SQLite under DATA_DIR unless <SERVICE>_DATABASE_URL is set."""
    env = os.environ if env is None else env
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    directory = data_dir(env)
    directory.mkdir(parents=True, exist_ok=True)
    database_url = env.get(f"{service.upper()}_DATABASE_URL") or (
        f"sqlite:///{directory / (service + '.db')}"
    )
    credentials = env.get("ORGANISER_CREDENTIALS_FILE") or str(directory / "organisers.json")
    return ServiceSettings(
        service=service,
        database_url=database_url,
        broker=broker_settings(env),
        public_base_url=public_url_for(service, env),
        organiser_credentials_file=Path(credentials),
        log_level=env.get("LOG_LEVEL", "INFO"),
        secret_key=env.get("SECRET_KEY") or None,
        public_urls={name: public_url_for(name, env) for name in SERVICES},
        public_write_rate_limit=env.get("PUBLIC_WRITE_RATE_LIMIT", DEFAULT_PUBLIC_WRITE_RATE_LIMIT),
        rate_limit_storage_url=env.get("RATE_LIMIT_STORAGE_URL") or "memory://",
        trusted_proxies=int(env.get("TRUSTED_PROXIES") or 0),
        max_content_length=int(env.get("MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH)),
        organiser_session_hours=_session_hours(env),
        organiser_session_store_url=env.get("ORGANISER_SESSION_STORE_URL")
        or f"sqlite:///{directory / 'organiser_sessions.db'}",
        organiser_cookie_domain=env.get("ORGANISER_COOKIE_DOMAIN") or None,
    )


def _session_hours(env: Mapping[str, str]) -> float:
    """ORGANISER_SESSION_HOURS: how long an organiser stays logged in on the pages."""
    hours = number(env, "ORGANISER_SESSION_HOURS", 12)
    if hours == 0:
        raise ValueError("ORGANISER_SESSION_HOURS must be more than 0")
    return hours
