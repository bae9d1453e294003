"""Outbound webhooks: organisers' endpoints receive thin, signed events of the platform's messages.

A feature package with its own layers (domain → service_layer → adapters → entrypoints), the way
Netflix Dispatch keeps a grown feature together; it shares the notifications database and worker.
"""
