"""Webhook use-case errors, mapped to HTTP statuses by the entrypoints."""


class WebhookNotFound(Exception):
    """No such endpoint or delivery."""


class InvalidEndpoint(ValueError):
    """An endpoint that cannot be registered (bad URL, unknown message type, weak secret)."""


class Unreachable(Exception):
    """The endpoint could not be reached (refused connection, timeout, TLS error)."""
