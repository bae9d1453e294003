"""Languages: the catalogues in shared/translations and dates formatted for a locale (Babel).

One gettext catalogue per language serves the pages of all three services and every email.
Plain functions, no Flask: the notifications worker renders emails outside any request.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.support import Translations

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


def language_name(language: str) -> str:
    """A language's name in itself ("Deutsch", "Srpski (latinica)"), for the language switch."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@cache
def translations(language: str) -> Translations:
    """The compiled catalogue of a supported language (English: the message ids themselves)."""
    return Translations.load(str(TRANSLATIONS_DIR), [language])


def format_when(moment: datetime, language: str) -> str:
    """A zoned datetime in its own time zone, written as readers of language write it."""
    locale = _DATE_LOCALES.get(language, language)
    date = format_date(moment, "full", locale=locale)
    time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    zone = format_time(moment, "z", tzinfo=moment.tzinfo, locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return pattern.replace("{1}", date).replace("{0}", f"{time} {zone}")
