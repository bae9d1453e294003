"""Problems on pages in the page's language: the API's English messages, recognised and translated.

Domain errors and schemas word their problems in English, for the API's problem+json. A page
shows the same problem in its own language: each service lists the problems its pages can show
(marked ``N_`` for the catalogues, their variable parts as ``%(name)s``) and ``problem_text``
recognises a message among them, translates it and fills its parts back in. A message nobody
listed stays in English, as the API words it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import current_app, has_app_context
from flask_babel import gettext

_PART = re.compile(r"%\((\w+)\)s")


def N_(message: str) -> str:
    """Mark a message for the catalogues; it is translated when a page shows it."""
    return message


# What every service's forms and pages can say: marshmallow's messages, shared.text's and
# werkzeug's (an abort without a description of its own).
SHARED_PROBLEMS = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid list."),
    N_("String does not match expected pattern."),
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be one of: %(choices)s."),
    N_("must be valid Unicode (no lone surrogates)"),
    N_("must be one line, without control characters"),
    N_("must not contain control characters other than line breaks"),
    N_("must lie between the years %(first)s and %(last)s"),
    N_("Not a cursor from this list."),
    N_(
        "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again."
    ),
    N_("The method is not allowed for the requested URL."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("This user has exceeded an allotted request count. Try again later."),
)


class ProblemTexts:
    """The problem messages a service's pages know, each translated when shown."""

    def __init__(self, messages: Iterable[str]):
        self._exact: set[str] = set()
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for message in messages:
            if _PART.search(message):
                self._patterns.append((_pattern(message), message))
            else:
                self._exact.add(message)

    def translate(self, message: str) -> str:
        """The message in the page's language, if it is one we know; else as it is."""
        if message in self._exact:
            return gettext(message)
        for pattern, msgid in self._patterns:
            if found := pattern.fullmatch(message):
                return gettext(msgid, **found.groupdict())
        return message


def _pattern(msgid: str) -> re.Pattern[str]:
    """A message id as a regular expression: its ``%(name)s`` parts match any text."""
    pieces = _PART.split(msgid)  # literal, name, literal, name, …, literal
    parts = [
        re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
        for index, piece in enumerate(pieces)
    ]
    return re.compile("".join(parts), re.DOTALL)


def problem_text(message: object) -> str:
    """A problem message (an exception, a schema's message) in the page's language."""
    texts = current_app.extensions.get("problem_texts") if has_app_context() else None
    text = str(message)
    return texts.translate(text) if texts is not None else text
