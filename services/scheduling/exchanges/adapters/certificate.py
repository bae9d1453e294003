"""The certificate of a completed ClusterXchange staff exchange, as PDF (``shared.pdf``)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from services.scheduling.exchanges.domain.model import Exchange
from shared.pdf import build, text


def exchange_certificate(exchange: Exchange) -> bytes:
    """Who visited whom, over which dates, and how many working days they attended."""
    visitor, host = exchange.visitor, exchange.host
    days = f"{exchange.attended_days} of {exchange.working_days} working days"
    return build(
        [
            Spacer(1, 40 * mm),
            text("ClusterXchange certificate", 24),
            Spacer(1, 12 * mm),
            text("This certifies that", 12),
            Spacer(1, 4 * mm),
            text(visitor.name, 18),
            text(f"{visitor.organisation} · {visitor.cluster} · {visitor.country}", 11),
            Spacer(1, 6 * mm),
            text("completed a staff exchange hosted by", 12),
            text(host.name, 14),
            text(f"{host.organisation} · {host.cluster} · {host.country}", 11),
            Spacer(1, 6 * mm),
            text(
                f"from {exchange.first_day.isoformat()} to {exchange.last_day.isoformat()}, "
                f"attending {days}.",
                12,
            ),
        ],
        "ClusterXchange certificate",
    )
