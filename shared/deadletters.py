"""List and replay dead letters: ``python -m shared.deadletters list|replay SERVICE``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any

from kombu import Connection, Producer

from shared.broker import connect
from shared.config import broker_settings
from shared.consumer import ATTEMPTS_HEADER, ORIGIN_HEADER, REASON_HEADER
from shared.topology import Topology, platform_topology


@dataclass(frozen=True)
class DeadLetter:
    """A message parked in a dead-letter queue, and why."""

    message_id: str | None
    origin_queue: str
    reason: str
    attempts: int
    message_type: str | None


def _describe(message) -> DeadLetter:
    headers = message.headers or {}
    try:
        body: Any = json.loads(message.body)
    except (TypeError, ValueError):
        body = None
    return DeadLetter(
        message_id=message.properties.get("message_id"),
        origin_queue=headers.get(ORIGIN_HEADER, "?"),
        reason=headers.get(REASON_HEADER, "?"),
        attempts=int(headers.get(ATTEMPTS_HEADER, 0)),
        message_type=body.get("type") if isinstance(body, dict) else None,
    )


def list_dead_letters(connection: Connection, topology: Topology, service: str) -> list[DeadLetter]:
    """Peek at every dead letter of a service without removing any."""
    queue = topology.dead_letter_queue(service)(connection.channel())
    queue.declare()
    seen, found = [], []
    while (message := queue.get(no_ack=False)) is not None:
        seen.append(message)
        found.append(_describe(message))
    for message in seen:
        message.requeue()
    return found


def replay_dead_letters(
    connection: Connection, topology: Topology, service: str, message_id: str | None = None
) -> int:
    """Send dead letters (all, or one by message id) back to their queue with a fresh count."""
    channel = connection.channel()
    queue = topology.dead_letter_queue(service)(channel)
    queue.declare()
    producer = Producer(connection.channel())
    replayed, skipped = 0, []
    while (message := queue.get(no_ack=False)) is not None:
        letter = _describe(message)
        if message_id and letter.message_id != message_id:
            skipped.append(message)
            continue
        headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-cx-")}
        producer.publish(
            message.body,
            exchange="",
            routing_key=letter.origin_queue,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            headers=headers,
            delivery_mode=2,
            message_id=letter.message_id,
        )
        message.ack()
        replayed += 1
    for message in skipped:
        message.requeue()
    return replayed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m shared.deadletters", description=__doc__)
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("service", choices=["registration", "scheduling", "notifications"])
    parser.add_argument("--message-id", help="replay only this message")
    args = parser.parse_args(argv)
    settings = broker_settings()
    topology = platform_topology(settings)
    with connect(settings) as connection:
        if args.action == "list":
            letters = list_dead_letters(connection, topology, args.service)
            for letter in letters:
                print(json.dumps(letter.__dict__))
            print(
                f"{len(letters)} dead letter(s) in {topology.dead_letter_queue(args.service).name}"
            )
        else:
            count = replay_dead_letters(connection, topology, args.service, args.message_id)
            print(f"replayed {count} message(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
