"""Organiser credentials: bearer tokens whose hashes live in one file read by every service.

``python -m shared.credentials mint NAME`` prints a new token once; ``revoke ID`` removes it;
``list`` shows ids and names. Only SHA-256 hashes are stored; a token is 256 random bits.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

TOKEN_PREFIX = "cxo_"


@dataclass(frozen=True)
class Organiser:
    """Who a valid credential belongs to."""

    credential_id: str
    name: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CredentialStore:
    """The credentials file; reloaded when it changes so a revocation takes effect at once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._entries: list[dict] = []

    def _read(self) -> list[dict]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._entries = json.loads(self.path.read_text() or "[]")
                self._stamp = stamp
            return self._entries

    def _write(self, entries: list[dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".organisers")
        with os.fdopen(fd, "w") as handle:
            json.dump(entries, handle, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def authenticate(self, token: str | None) -> Organiser | None:
        """The organiser a bearer token belongs to, or None when unknown or revoked."""
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        digest = _hash(token)
        for entry in self._read():
            if hmac.compare_digest(entry["sha256"], digest):
                return Organiser(entry["id"], entry["name"])
        return None

    def organiser(self, credential_id: str) -> Organiser | None:
        """The organiser of a credential id, or None once it is revoked."""
        for entry in self._read():
            if entry["id"] == credential_id:
                return Organiser(entry["id"], entry["name"])
        return None

    def mint(self, name: str) -> tuple[str, str]:
        """Create a credential; returns (id, token). The token is shown once and not stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        credential_id = secrets.token_hex(4)
        entries = list(self._read())
        entries.append(
            {
                "id": credential_id,
                "name": name,
                "sha256": _hash(token),
                "created_at": datetime.now(UTC).isoformat(),
            }
        )
        self._write(entries)
        return credential_id, token

    def revoke(self, credential_id: str) -> bool:
        """Remove a credential; True when it existed."""
        entries = self._read()
        kept = [e for e in entries if e["id"] != credential_id]
        self._write(kept)
        return len(kept) != len(entries)

    def list(self) -> list[Organiser]:
        """Every credential's id and name."""
        return [Organiser(e["id"], e["name"]) for e in self._read()]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from shared.config import service_settings

    parser = argparse.ArgumentParser(prog="python -m shared.credentials", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("mint").add_argument("name")
    sub.add_parser("revoke").add_argument("credential_id")
    sub.add_parser("list")
    args = parser.parse_args(argv)
    store = CredentialStore(service_settings("registration").organiser_credentials_file)
    if args.action == "mint":
        credential_id, token = store.mint(args.name)
        print(f"credential {credential_id} for {args.name}; keep this token, it is shown once:")
        print(token)
    elif args.action == "revoke":
        found = store.revoke(args.credential_id)
        print("revoked" if found else "no such credential")
        return 0 if found else 1
    else:
        for organiser in store.list():
            print(f"{organiser.credential_id}\t{organiser.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
