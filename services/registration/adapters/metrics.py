"""Registration's own figures at /metrics, measured when Prometheus scrapes."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from services.registration.adapters.orm import notices
from services.registration.domain.notices import SUPPRESSED
from shared.metrics import gauge, limit_statement_time

log = logging.getLogger(__name__)


class WithheldVerificationsCollector(Collector):
    """Verification emails withheld because the address had its share for the day."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def measure(self) -> float:
        query = select(func.count()).where(notices.c.kind == SUPPRESSED)
        try:
            with self.engine.connect() as db:
                limit_statement_time(db)
                return float(db.execute(query).scalar_one())
        except Exception:  # noqa: BLE001 - a scrape never fails; the figure is unknown
            log.warning("notice metrics unavailable", exc_info=True)
            return math.nan

    def collect(self) -> Iterable[GaugeMetricFamily]:
        yield gauge(
            "cx_registration_verification_emails_withheld",
            "Verification emails not sent in the last day: the address had reached its limit.",
            {},
            self.measure(),
        )
