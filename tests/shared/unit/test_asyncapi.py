"""The published AsyncAPI document is the one the contracts produce now, and lists them all."""

from pathlib import Path

import yaml

from shared import contracts
from shared.contracts.asyncapi import build, platform_catalogue, render, topic_matches

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"


def test_the_committed_document_is_what_the_generator_writes_now():
    assert DOCUMENT.read_text() == render(build()), "run `make asyncapi` and commit the result"


def test_every_contract_has_a_message_a_channel_and_its_payload_schema():
    document = yaml.safe_load(DOCUMENT.read_text())
    messages, schemas = document["components"]["messages"], document["components"]["schemas"]
    catalogue = platform_catalogue()
    assert set(catalogue) >= {("registration.confirmed", 1), ("exchange.completed", 1)}
    for (message_type, version), schema in catalogue.items():
        message = messages[f"{message_type}.v{version}"]
        envelope, specifics = message["payload"]["allOf"]
        assert envelope == {"$ref": "#/components/schemas/Envelope"}
        assert specifics["properties"]["type"] == {"const": message_type}
        assert specifics["properties"]["version"] == {"const": version}
        contract = specifics["properties"]["payload"]["$ref"].rsplit("/", 1)[1]
        assert set(schemas[contract]["properties"]) == set(schema.fields)
        channel = document["channels"][message_type]
        refs = channel["subscribe"]["message"].get("oneOf", [channel["subscribe"]["message"]])
        assert {"$ref": f"#/components/messages/{message_type}.v{version}"} in refs
    assert len(messages) == len(catalogue)


def test_contracts_registered_outside_shared_contracts_stay_out_of_the_document():
    import tests.shared.toy  # noqa: F401 - registers the toy service's test.ping contract

    assert ("test.ping", 1) in contracts.catalogue()
    assert ("test.ping", 1) not in platform_catalogue()
    assert "test.ping" not in build()["channels"]


def test_channels_name_their_exchange_and_the_queues_bound_to_them():
    channels = yaml.safe_load(DOCUMENT.read_text())["channels"]
    confirmed, scheduled = channels["registration.confirmed"], channels["visit.scheduled"]
    assert confirmed["bindings"]["amqp"]["exchange"]["name"] == "cx.registration.events"
    assert scheduled["bindings"]["amqp"]["exchange"]["name"] == "cx.scheduling.events"
    assert "cx.notifications.registrations" in confirmed["x-queues"]
    assert "cx.scheduling.registrations" in confirmed["x-queues"]
    assert "cx.notifications.visits" in scheduled["x-queues"]
    assert "cx.scheduling.registrations" not in scheduled["x-queues"]


def test_topic_patterns_match_as_amqp_does():
    assert topic_matches("event.*", "event.updated")
    assert not topic_matches("event.*", "event.updated.late")
    assert topic_matches("#", "visit.participant_added")
    assert topic_matches("visit.#", "visit")
    assert not topic_matches("registration.*", "participant.erased")
