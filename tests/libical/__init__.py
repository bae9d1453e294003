"""libical as a fourth, independent iCalendar parser for the feed tests.

`check.c` is compiled once per test session against Debian's `libical-dev` (installed by
`.ci/run`); `parse(feed)` then reports what libical understood and every RFC 5546 restriction it
flagged. Without a compiler or libical the tests that use it skip, except under CI=true.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOURCE = Path(__file__).with_name("check.c")


@dataclass
class Parsed:
    """What libical read from one feed."""

    errors: list[str] = field(default_factory=list)
    calname: str | None = None
    events: list[dict[str, str]] = field(default_factory=list)


def _unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append({"t": "\t", "r": "\r", "n": "\n", "\\": "\\"}.get(nxt, "\\" + nxt))
        else:
            out.append(char)
    return "".join(out)


@functools.cache
def _binary() -> Path | None:
    if shutil.which("gcc") is None or shutil.which("pkg-config") is None:
        return None
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libical"], capture_output=True, text=True
    )
    if flags.returncode != 0:
        return None
    target = Path(tempfile.mkdtemp(prefix="libical-check-")) / "check"
    subprocess.run(
        ["gcc", "-O1", "-o", str(target), str(SOURCE), *flags.stdout.split()],
        check=True,
        capture_output=True,
    )
    return target


def parse(feed: bytes) -> Parsed:
    """Parse a feed with libical; skips (fails under CI=true) when libical is not installed."""
    binary = _binary()
    if binary is None:
        reason = "libical-dev, gcc or pkg-config is missing (apt-get install libical-dev)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " and CI=true forbids skipping", pytrace=False)
        pytest.skip(reason)
    run = subprocess.run([str(binary)], input=feed, capture_output=True, check=False)
    parsed = Parsed()
    if run.returncode not in (0, 2):
        parsed.errors.append(f"libical checker exited {run.returncode}: {run.stderr!r}")
    for line in run.stdout.decode("utf-8", "replace").splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "ERROR":
            parsed.errors.append(_unescape(rest))
        elif kind == "CALNAME":
            parsed.calname = _unescape(rest)
        elif kind == "EVENT":
            uid, summary, description, location = (_unescape(part) for part in rest.split("\t"))
            parsed.events.append(
                {"uid": uid, "summary": summary, "description": description, "location": location}
            )
    return parsed
