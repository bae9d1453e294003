"""Operator commands: ``python -m services.notifications.entrypoints.manage migrate``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from services.notifications.bootstrap import MIGRATIONS
from shared.infrastructure import build_infrastructure


def migrate(env: Mapping[str, str] | None = None) -> None:
    """Bring the notifications database schema up to date."""
    build_infrastructure("notifications", env).migrate(MIGRATIONS)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m services.notifications.entrypoints.manage")
    parser.add_argument("command", choices=["migrate"])
    parser.parse_args(argv)
    migrate()
    print("notifications database is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
