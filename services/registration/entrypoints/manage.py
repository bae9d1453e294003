"""Operator commands: ``python -m services.registration.entrypoints.manage migrate``."""

from __future__ import annotations

import argparse

from services.registration.bootstrap import bootstrap


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m services.registration.entrypoints.manage")
    parser.add_argument("command", choices=["migrate"], help="bring the database schema up to date")
    parser.parse_args(argv)
    bootstrap(migrate=True)
    print("registration database is up to date")


if __name__ == "__main__":
    main()
