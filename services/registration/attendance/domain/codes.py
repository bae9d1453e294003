"""Check-in codes: a short text derived from the private manage token, easy to type or scan.

The code is the first 50 bits of SHA-256 over the manage token, in base32 (letters and the
digits 2-7, no 0/1/8/9 to misread), as ``XXXXX-XXXXX``. It cannot be guessed without the
token, and it changes when the token does (erasure gives the registration fresh tokens).
"""

from __future__ import annotations

import base64
import hashlib
import re

CODE_LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-_.]")
_MISREAD = str.maketrans({"0": "O", "1": "I", "8": "B"})
CODE_PATTERN = re.compile(rf"^[A-Z2-7]{{{CODE_LENGTH}}}$")


def checkin_code(manage_token: str) -> str:
    """The code stored for a registration and shown to its participant (without the dash)."""
    digest = hashlib.sha256(b"check-in:" + manage_token.encode()).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def shown(code: str) -> str:
    """The code as people read it: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalise(typed: str) -> str | None:
    """What someone typed or a scanner sent, as a stored code; None if it cannot be one."""
    code = _SEPARATORS.sub("", typed).upper().translate(_MISREAD)
    return code if CODE_PATTERN.match(code) else None
