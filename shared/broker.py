"""Connections to the broker: RabbitMQ over AMQP, or the embedded file-backed transport."""

from __future__ import annotations

import logging

from kombu import Connection

from shared.config import BrokerSettings

log = logging.getLogger(__name__)

# Reconnection policy for publishers and consumers: back off up to 5 s, keep trying ~1 min.
RETRY_POLICY = {"max_retries": 20, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 5}


def connect(settings: BrokerSettings) -> Connection:
    """A lazy kombu connection with heartbeats and (on AMQP) publisher confirms."""
    return Connection(
        settings.url,
        heartbeat=0 if settings.embedded else settings.heartbeat,
        transport_options=settings.transport_options(),
        connect_timeout=5,
    )


def brief_connection(settings: BrokerSettings, timeout: float = 2.0) -> Connection:
    """A connection for a quick probe (readiness, metrics): short timeouts, no heartbeats."""
    options = settings.transport_options()
    if not settings.embedded:
        options |= {"read_timeout": timeout, "write_timeout": timeout}
    return Connection(settings.url, heartbeat=0, connect_timeout=timeout, transport_options=options)


def describe(settings: BrokerSettings) -> str:
    """Say which broker is used, without credentials, for the start-up log."""
    if settings.embedded:
        return f"embedded file-backed broker at {settings.data_dir / 'broker'} (set AMQP_URL)"
    return Connection(settings.url).as_uri()
