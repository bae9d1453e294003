"""What is asked of the exchange programme: a request, with its two parties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Party:
    """A visitor or host: the person, their organisation and cluster, country and sector, and
    the language (a BCP 47 tag of the platform's: ``de``, ``sr-Latn``) their emails speak."""

    name: str
    email: str
    organisation: str
    cluster: str
    country: str
    sector: str
    sme: bool
    language: str = "en"


@dataclass(frozen=True)
class RequestExchange:
    visitor: Party
    host: Party
    goals: str
    first_day: date
    last_day: date
    timezone: str


@dataclass(frozen=True)
class ExchangeFilter:
    """What the organiser's list narrows to: a status, a country on either side, a period."""

    status: str | None = None
    country: str | None = None
    start: date | None = None
    end: date | None = None
