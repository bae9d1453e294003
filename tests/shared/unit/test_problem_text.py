"""Problems the API words in English are shown on pages in the page's language."""

import pytest
from flask import Flask

from shared.pages.languages import init_languages
from shared.pages.problem_text import SHARED_PROBLEMS, ProblemTexts, problem_text


@pytest.fixture
def app():
    app = Flask(__name__)
    init_languages(app)
    known = (*SHARED_PROBLEMS, "the visit %(title)s is full (%(capacity)s seats)")
    app.extensions["problem_texts"] = ProblemTexts(known)
    return app


def shown(app, message: str, language: str = "de") -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        return problem_text(message)


def test_a_known_message_is_translated(app):
    assert shown(app, "Not a valid email address.") == "Keine gültige E-Mail-Adresse."


def test_a_known_message_with_variable_parts_keeps_them_in_the_translation(app):
    message = "the visit 'Lab tour' is full (12 seats)"

    assert shown(app, message) == "der Besuch 'Lab tour' ist ausgebucht (12 Plätze)"
    assert shown(app, "Longer than maximum length 200.", "pl") == (
        "Przekroczono maksymalną długość 200."
    )


def test_an_unknown_message_or_an_english_page_keeps_the_apis_words(app):
    assert shown(app, "something nobody listed") == "something nobody listed"
    assert shown(app, "Not a valid email address.", "en") == "Not a valid email address."


def test_a_message_only_resembling_a_known_one_is_not_taken_for_it(app):
    assert shown(app, "the visit 'Lab tour' is full") == "the visit 'Lab tour' is full"


def test_outside_a_request_the_message_stays_as_it_is():
    assert problem_text(ValueError("Not a valid date.")) == "Not a valid date."
