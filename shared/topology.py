"""The whole broker topology, declared in one place.

Each producing service owns a durable topic exchange ``<ns>.<service>.events`` where the
routing key is the message type. Each consuming handler group owns a durable queue bound to
the routing keys it needs. Per consuming service there is a retry tier (a fanout exchange into
a TTL-less queue whose messages carry their own expiration and dead-letter back to the handler
queue through the default exchange) and a dead-letter exchange with one dead-letter queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from shared.config import BrokerSettings


@dataclass(frozen=True)
class Subscription:
    """A handler group of a consuming service and the message types it wants."""

    service: str
    group: str
    sources: dict[str, tuple[str, ...]]  # producer service -> routing keys


class Topology:
    """Names and kombu entities of exchanges and queues for one namespace."""

    def __init__(
        self,
        settings: BrokerSettings,
        subscriptions: tuple[Subscription, ...],
        producers: tuple[str, ...],
    ):
        self.settings = settings
        self.ns = settings.namespace
        self.subscriptions = subscriptions
        self.producers = producers

    def events_exchange(self, producer: str) -> Exchange:
        """The topic exchange a service publishes its events to."""
        return Exchange(f"{self.ns}.{producer}.events", type="topic", durable=True)

    def retry_exchange(self, service: str) -> Exchange:
        """Fanout exchange into the service's delay queue."""
        return Exchange(f"{self.ns}.{service}.retry", type="fanout", durable=True)

    def dead_letter_exchange(self, service: str) -> Exchange:
        """Fanout exchange into the service's dead-letter queue."""
        return Exchange(f"{self.ns}.{service}.dlx", type="fanout", durable=True)

    def _arguments(self) -> dict:
        return {"x-queue-type": "quorum"} if self.settings.quorum_queues else {}

    def handler_queue(self, sub: Subscription) -> Queue:
        """The durable queue of one handler group, bound to each of its sources."""

        bindings = [
            binding(self.events_exchange(producer), routing_key=key)
            for producer, keys in sub.sources.items()
            for key in keys
        ]
        return Queue(
            self.queue_name(sub.service, sub.group),
            bindings=bindings,
            durable=True,
            queue_arguments=self._arguments() or None,
        )

    def queue_name(self, service: str, group: str) -> str:
        """Name of a handler group's queue."""
        return f"{self.ns}.{service}.{group}"

    def delay_queue(self, service: str) -> Queue:
        """Messages wait here for their own expiration, then go back to their handler queue."""
        arguments = {"x-dead-letter-exchange": ""} | self._arguments()
        return Queue(
            f"{self.ns}.{service}.delay",
            exchange=self.retry_exchange(service),
            durable=True,
            queue_arguments=arguments,
        )

    def dead_letter_queue(self, service: str) -> Queue:
        """Where messages go that failed every attempt or can never be handled."""
        return Queue(
            f"{self.ns}.{service}.dead",
            exchange=self.dead_letter_exchange(service),
            durable=True,
            queue_arguments=self._arguments() or None,
        )

    def queues_of(self, service: str) -> list[Queue]:
        """Every handler queue a service consumes."""
        return [self.handler_queue(s) for s in self.subscriptions if s.service == service]

    def services(self) -> set[str]:
        """Every service that consumes something."""
        return {s.service for s in self.subscriptions}

    def all_entities(self) -> list[Exchange | Queue]:
        """Every exchange and queue, in declaration order."""
        entities: list[Exchange | Queue] = [self.events_exchange(p) for p in self.producers]
        for service in sorted(self.services()):
            entities += [self.dead_letter_queue(service), self.delay_queue(service)]
            entities += self.queues_of(service)
        return entities

    def declare(self, channel) -> None:
        """Declare the whole topology; idempotent, run by every process that touches the broker."""
        for entity in self.all_entities():
            entity(channel).declare()


# Who consumes what: the platform's wiring, in one place.
SUBSCRIPTIONS = (
    Subscription(
        "scheduling",
        "registrations",
        {"registration": ("event.*", "registration.*", "participant.erased")},
    ),
    Subscription(
        "notifications",
        "registrations",
        {
            "registration": (
                "event.*",
                "registration.*",
                "participant.erased",
                "attendance.certificate_issued",
            )
        },
    ),
    Subscription("notifications", "visits", {"scheduling": ("visit.*", "exchange.*")}),
    # per-visit attendance: registration keeps the visits and who is booked on them
    Subscription("registration", "visits", {"scheduling": ("visit.*",)}),
    # outbound webhooks: every message of both producers, for the endpoints that want it
    Subscription("notifications", "webhooks", {"registration": ("#",), "scheduling": ("#",)}),
)
PRODUCERS = ("registration", "scheduling", "notifications")


def platform_topology(settings: BrokerSettings) -> Topology:
    """The topology of the whole platform in the configured namespace."""
    return Topology(settings, SUBSCRIPTIONS, PRODUCERS)
