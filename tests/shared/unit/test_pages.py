"""The shared page helpers: form error messages and the session signing key."""

from shared.pages.layout import flatten_messages
from shared.pages.login import secret_key


def test_nested_schema_messages_are_keyed_like_the_form_fields():
    messages = {"title": ["Missing data."], "venue": {"city": ["Too long.", "Odd."]}}
    assert flatten_messages(messages) == {"title": "Missing data.", "venue.city": "Too long.; Odd."}


def test_a_configured_secret_key_is_used_as_is():
    assert secret_key("s3cret", "/var/organisers.json") == "s3cret"


def test_the_development_key_is_the_same_in_every_worker_and_differs_per_installation():
    first = secret_key(None, "/srv/a/organisers.json")
    assert first == secret_key("", "/srv/a/organisers.json")
    assert first != secret_key(None, "/srv/b/organisers.json")
