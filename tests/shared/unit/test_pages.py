"""The shared page helpers: form error messages and the session signing key."""

from shared.config import service_settings
from shared.pages.layout import flatten_messages
from shared.pages.login import secret_key


def test_nested_schema_messages_are_keyed_like_the_form_fields():
    messages = {"title": ["Missing data."], "venue": {"city": ["Too long.", "Odd."]}}
    assert flatten_messages(messages) == {"title": "Missing data.", "venue.city": "Too long.; Odd."}


def test_a_configured_secret_key_is_used_as_is(tmp_path):
    settings = service_settings("registration", {"DATA_DIR": str(tmp_path), "SECRET_KEY": "s3"})
    assert secret_key(settings) == "s3"


def test_the_development_key_is_the_same_in_every_worker_and_differs_per_installation(tmp_path):
    def key(folder: str, **extra: str) -> str:
        env = {"DATA_DIR": str(tmp_path / folder)} | extra
        return secret_key(service_settings("registration", env))

    assert key("a") == key("a", SECRET_KEY="")
    assert key("a") != key("b")


def test_the_session_signer_is_built_once_per_key_set_and_anew_when_the_key_changes():
    from flask import Flask

    from shared.pages.csrf import SignedCookieSessions

    app = Flask("signer")
    app.secret_key = "first"
    sessions = SignedCookieSessions()
    signer = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is signer
    token = signer.dumps({"csrf_token": "t"})
    app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "second", ["first"]
    rotated = sessions.get_signing_serializer(app)
    assert rotated is not signer and rotated.loads(token) == {"csrf_token": "t"}
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert sessions.get_signing_serializer(app).loads(rotated.dumps({"a": 1})) == {"a": 1}
