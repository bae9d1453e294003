"""The catalogues are complete and dates are written the way each locale writes them."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from shared.i18n import (
    LANGUAGES,
    TRANSLATIONS_DIR,
    format_when,
    language_tag,
    supported_language,
)

TRANSLATED = [language for language in LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
WARSAW = ZoneInfo("Europe/Warsaw")


def catalogue(language: str, ext: str = "po"):
    path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"messages.{ext}"
    with path.open("rb") as f:
        return read_po(f) if ext == "po" else read_mo(f)


def template_ids() -> set[tuple[str | None, str]]:
    """(context, id) of every message: a status has a context saying what it is the status of."""
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as f:
        return {(message.context, message.id) for message in read_po(f) if message.id}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_id_has_a_translation_with_the_same_placeholders(language):
    messages = {(m.context, m.id): m for m in catalogue(language) if m.id}

    assert set(messages) == template_ids()
    for (_context, msgid), message in messages.items():
        assert message.string.strip(), f"{language}: no translation for {msgid!r}"
        assert not message.fuzzy, f"{language}: fuzzy translation for {msgid!r}"
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(msgid))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_its_po_file(language):
    po = {(m.context, m.id): m.string for m in catalogue(language) if m.id}
    mo = {(m.context, m.id): m.string for m in catalogue(language, "mo") if m.id}

    assert mo == po, "run `make translations` and commit the .mo files"


def test_every_template_message_is_in_the_template_catalogue():
    """A string marked in a template or in Python after the last `make translations` fails."""
    from babel.messages.extract import extract_from_dir

    root = TRANSLATIONS_DIR.parent.parent
    found = set()
    for directory in ("services", "shared"):
        for _, _, message, _, context in extract_from_dir(
            root / directory,
            method_map=[
                ("**/templates/**.html", "jinja2"),
                ("**/templates/**.txt", "jinja2"),
                ("**.py", "python"),
            ],
            options_map={"**": {"trimmed": "true"}},
        ):
            found.add((context, message))
    assert found == template_ids()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday, 1 December 2026, 18:05 CET"),
        ("de", "Dienstag, 1. Dezember 2026, 18:05 MEZ"),
        ("pl", "wtorek, 1 grudnia 2026, 18:05 CET"),
        ("hu", "2026. december 1., kedd 18:05 CET"),
        ("es", "martes, 1 de diciembre de 2026, 18:05 CET"),
    ],
)
def test_dates_and_times_are_written_for_the_locale_in_the_events_time_zone(language, expected):
    moment = datetime(2026, 12, 1, 18, 5, tzinfo=WARSAW)

    assert format_when(moment, language) == expected


def test_the_same_instant_is_written_in_each_zone_and_fold_it_comes_in():
    """Remembered texts must not mix up datetimes that compare equal across zones or folds."""
    moment = datetime(2026, 12, 1, 18, 5, tzinfo=WARSAW)
    lisbon = moment.astimezone(ZoneInfo("Europe/Lisbon"))
    summer_end = datetime(2026, 10, 25, 2, 30, tzinfo=WARSAW)  # 02:30 happens twice
    later = summer_end.replace(fold=1)

    assert format_when(moment, "en").endswith("18:05 CET")
    assert format_when(lisbon, "en").endswith("17:05 WET")
    assert format_when(summer_end, "en").endswith("02:30 CEST")
    assert format_when(later, "en").endswith("02:30 CET")
    assert format_when(lisbon, "en", until=moment).endswith("17:05–17:05 WET")


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("de-AT", "de"),
        ("de_DE", "de"),
        ("sr-Latn", "sr_Latn"),
        ("sr", "sr_Latn"),
        ("PT-br", "pt"),
        ("zh-CN", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_a_language_tag_picks_its_catalogue_or_english(tag, language):
    assert supported_language(tag) == language


def test_a_catalogue_is_named_by_its_bcp47_tag():
    assert language_tag("sr_Latn") == "sr-Latn"
    assert language_tag("pl") == "pl"


ROOT = TRANSLATIONS_DIR.parent.parent
# Pages and emails whose words are all marked; Swagger UI's page is the tool's own.
TEMPLATES = sorted(
    path
    for directory in ("services", "shared")
    for path in (ROOT / directory).glob("**/templates/**/*.*")
    if path.suffix in {".html", ".txt"} and "api_docs" not in path.parts
)
JINJA = re.compile(r"\{#.*?#\}|\{%-?\s*trans\b.*?endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
NOT_WORDS = re.compile(r"<code>.*?</code>|<[^>]*>|&\w+;", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")
NAMES = {"ClusterXchange", "Google", "Outlook", "com", "webcal"}  # the same in every language
# A label given to a form macro as a bare string literal, a raw status, an English strftime.
UNMARKED_CALLS = re.compile(
    r"\b(?:field|select|checkbox)\(\s*[^,()]+,\s*\""
    r"|post_button\(url_for\([^)]*\),\s*\""
    r"|\bbar\([^,]+,[^,]+,\s*\""
    r"|\bhint=\""
    r"|>\s*\{\{\s*(?!errors\.)[\w.]*\.status\s*\}\}\s*<"
    r"|strftime\([^)]*%[aAbB]"
)


def untranslated_words(source: str) -> list[str]:
    text = NOT_WORDS.sub(" ", JINJA.sub(" ", source))
    return [word for word in WORD.findall(text) if word not in NAMES]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_holds_no_words_outside_the_translation_marks(path):
    source = path.read_text()

    assert untranslated_words(source) == [], "mark them with _() or {% trans %}"
    assert UNMARKED_CALLS.findall(source) == [], "labels, statuses and dates in the page's language"


def test_the_unmarked_words_check_catches_text_labels_and_statuses():
    assert untranslated_words("<p>Check your inbox</p>") == ["Check", "your", "inbox"]
    assert untranslated_words('<p>{{ _("Check") }} <a href="x">Google</a> &middot;</p>') == []
    assert UNMARKED_CALLS.findall('{{ field("title", "Title", errors, values) }}')
    assert UNMARKED_CALLS.findall('{{ post_button(url_for("x", a=1), "Publish") }}')
    assert UNMARKED_CALLS.findall("<span>{{ event.status }}</span>")
    assert not UNMARKED_CALLS.findall('<span class="badge {{ event.status }}">')
    assert not UNMARKED_CALLS.findall('{{ field("title", _("Title"), errors, values) }}')
