"""Languages: the catalogues in shared/translations and dates formatted for a locale (Babel).

One gettext catalogue per language serves the pages of all three services and every email.
Plain functions, no Flask: the notifications worker renders emails outside any request.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.support import NullTranslations, Translations

# The source language first, then those of the consortia in the seeds (Serbian in Latin script).
LANGUAGES: tuple[str, ...] = ("en", "de", "pl", "hu", "ro", "sr_Latn", "fr", "es", "pt")
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
_BY_TAG = {code.lower(): code for code in LANGUAGES}
_BY_PRIMARY = {code.split("_")[0]: code for code in LANGUAGES}
# English dates as the consortia write them ("Wednesday 14 May 2025"), not the US style.
_DATE_LOCALES = {"en": "en_GB"}


def supported_language(tag: str | None) -> str:
    """The catalogue for a language tag: "de-AT" -> "de", "sr-Latn" -> "sr_Latn", else English."""
    parts = (tag or "").replace("-", "_").lower().split("_")
    return _BY_TAG.get("_".join(parts[:2])) or _BY_PRIMARY.get(parts[0], DEFAULT_LANGUAGE)


def language_tag(language: str) -> str:
    """The BCP 47 tag of a catalogue, as HTML ``lang`` and a registration's language: sr-Latn."""
    return language.replace("_", "-")


def language_tags() -> tuple[str, ...]:
    """The BCP 47 tags of every catalogue (``en`` … ``sr-Latn``), as forms and APIs accept them."""
    return tuple(language_tag(language) for language in LANGUAGES)


def language_name(language: str) -> str:
    """A language's name in itself ("Deutsch", "Srpski (latinica)"), for the language switch."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of a supported language (English: the message ids themselves)."""
    return Translations.load(str(TRANSLATIONS_DIR), [language])


def format_when(moment: datetime, language: str, until: datetime | None = None) -> str:
    """A zoned datetime in its own time zone, written as readers of language write it; with
    ``until``, the span to that time of the same day ("…, 09:30–11:00 CEST").

    Remembered: Babel takes about a quarter of a millisecond per call, and the emails of one
    event write the same times over and over. Aware datetimes of different zones (or folds)
    can compare equal, so the key holds both, which is what the text depends on.
    """
    if until is None:
        return _when(moment, moment.tzinfo, moment.fold, language, None, None, 0)
    return _when(moment, moment.tzinfo, moment.fold, language, until, until.tzinfo, until.fold)


@lru_cache(maxsize=4096)
def _when(  # noqa: PLR0913 - the key's parts are the arguments
    moment: datetime,
    _zone: tzinfo | None,
    _fold: int,
    language: str,
    until: datetime | None,
    _until_zone: tzinfo | None,
    _until_fold: int,
) -> str:
    locale = _locale(language)
    day = format_date(moment, "full", locale=locale)
    time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    if until is not None:
        time += "–" + format_time(until, "short", tzinfo=moment.tzinfo, locale=locale)
    zone = format_time(moment, "z", tzinfo=moment.tzinfo, locale=locale)
    return _join(day, f"{time} {zone}", locale)


def format_brief(moment: datetime, language: str, until: datetime | None = None) -> str:
    """A zoned datetime briefly, without year or zone ("Thu 14 May, 09:30"), maybe a span."""
    locale = _locale(language)
    day = format_skeleton("MMMEd", moment, tzinfo=moment.tzinfo, locale=locale)
    time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    if until is not None:
        time += "–" + format_time(until, "short", tzinfo=moment.tzinfo, locale=locale)
    return _join(day, time, locale)


def format_day(day: date, language: str) -> str:
    """A calendar date as readers of language write it ("14 May 2026", "14. Mai 2026")."""
    return format_date(day, "long", locale=_locale(language))


def _locale(language: str) -> str:
    return _DATE_LOCALES.get(language, language)


def _join(day: str, time: str, locale: str) -> str:
    """A date and a time joined the locale's way ("{1}, {0}", "{1} {0}" …)."""
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return pattern.replace("{1}", day).replace("{0}", time)
