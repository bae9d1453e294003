"""Versioned message contracts: one marshmallow schema per (type, version)."""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import Schema

_REGISTRY: dict[tuple[str, int], Schema] = {}


def register(message_type: str, version: int = 1) -> Callable[[type[Schema]], type[Schema]]:
    """Class decorator declaring the payload schema of one message type and version."""

    def decorate(schema_cls: type[Schema]) -> type[Schema]:
        key = (message_type, version)
        if key in _REGISTRY and type(_REGISTRY[key]) is not schema_cls:
            raise ValueError(f"contract {message_type} v{version} declared twice")
        _REGISTRY[key] = schema_cls()
        return schema_cls

    return decorate


def schema_for(message_type: str, version: int) -> Schema | None:
    """The payload schema of a message type and version, or None when unknown."""
    _load_catalogue()
    return _REGISTRY.get((message_type, version))


def catalogue() -> dict[tuple[str, int], Schema]:
    """Every declared contract (for docs and contract tests)."""
    _load_catalogue()
    return dict(_REGISTRY)


def _load_catalogue() -> None:
    from shared.contracts import registration, scheduling  # noqa: F401
