"""Pages in the visitor's language: flask-babel, a language switch remembered in a cookie.

The switch's choice wins; without one, a page that knows its reader's language says so
(``prefer_language``: an exchange party's page), else the browser's ``Accept-Language`` decides.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, g, redirect, request
from flask_babel import Babel, get_locale, refresh

from shared.hardening import carries_token
from shared.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    TRANSLATIONS_DIR,
    language_name,
    language_tag,
    supported_language,
)
from shared.pages.csrf import check_csrf

LANGUAGE_COOKIE = "cx_language"
_COOKIE_LIFETIME = timedelta(days=365)

languages = Blueprint("languages", __name__)
languages.is_page = True  # type: ignore[attr-defined]
languages.before_request(check_csrf)


def init_languages(app: Flask) -> None:
    """Translate the pages of app with the shared catalogues and install the language switch."""
    Babel(
        app,
        locale_selector=select_language,
        default_domain="messages",
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        page_language=page_language,
        page_language_tag=page_language_tag,
        page_languages=lambda: [(code, language_name(code)) for code in LANGUAGES],
        url_carries_token=carries_token,  # such a URL never goes into the switch's form
    )
    app.register_blueprint(languages)


def select_language() -> str:
    """The cookie's language if it is one of ours, else the reader's known language, else the
    best of Accept-Language."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if preferred := g.get("preferred_language"):
        return preferred
    offered = request.accept_languages.best_match(LANGUAGES)
    return supported_language(offered) if offered else DEFAULT_LANGUAGE


def prefer_language(tag: str | None) -> None:
    """This request's reader speaks ``tag`` (a BCP 47 tag): the page does, unless the switch
    chose another language. Call it before anything is translated."""
    if tag:
        g.preferred_language = supported_language(tag)
        refresh()


def page_language() -> str:
    """The catalogue of the page being rendered ("sr_Latn")."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def page_language_tag() -> str:
    """The page's language as a BCP 47 tag: HTML ``lang`` and a new registration's language."""
    return language_tag(page_language())


@languages.post("/language")
def switch():
    """Remember the chosen language and go back to the page the switch was on."""
    chosen = request.form.get("language", "")
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        target = "/"
    response = redirect(target, 303)
    if chosen in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=int(_COOKIE_LIFETIME.total_seconds()),
            samesite="Lax",
            secure=request.is_secure,
        )
    return response
