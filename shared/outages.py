"""Which errors mean a database or the broker is unreachable for now, not a bug."""

from __future__ import annotations

from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def is_outage(exc: BaseException) -> bool:
    """A lost or refused connection to the database or broker: retrying later can succeed."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    return isinstance(exc, PoolTimeout | BrokerUnavailable | ConnectionError)
