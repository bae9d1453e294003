"""py-amqp's socket, read and written in bulk: the backbone's hot paths cross it per message.

py-amqp reads each frame in three exact-size reads, writes each publish in a write of its
own, and reads the socket before every publish. The read and write helpers apply to the plain
TCP transport only (not TLS, not the file transport), and both go through py-amqp's own
buffer and write function, so its framing is unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import amqp
from amqp import spec
from amqp.exceptions import RecoverableConnectionError
from amqp.transport import TCPTransport
from kombu import Connection

READ_AHEAD = 65536
"""Bytes asked of the socket per read: py-amqp asks for exactly the bytes of the frame part
it parses next (three reads a frame, nine a message); what a larger read brings on waits in
py-amqp's own buffer, which every later read consumes first."""


def read_ahead(connection: Connection) -> None:
    """Make py-amqp's plain TCP transport read up to READ_AHEAD bytes at a time."""
    transport = getattr(connection.connection, "transport", None)
    if not isinstance(transport, TCPTransport) or transport.sock is None:  # file, or TLS
        return
    recv = transport.sock.recv
    transport._quick_recv = lambda size: recv(max(size, READ_AHEAD))


@contextlib.contextmanager
def writes_held(connection: Connection) -> Iterator[None]:
    """Send the frames published in the block in one write, when the block ends.

    py-amqp writes each publish (its method, header and body frames) with a system call of
    its own, and the broker then reads them one by one; a batch's frames are held here
    instead (copied: py-amqp reuses its frame buffer) and sent together. Even a block
    interrupted by an exception sends what it published, as py-amqp would have.
    """
    transport = getattr(connection.connection, "transport", None)
    if not isinstance(transport, TCPTransport):  # the file transport, or TLS
        yield
        return
    held: list[bytes] = []
    write = transport._write
    transport._write = lambda frames: held.append(bytes(frames))
    try:
        yield
    finally:
        transport._write = write
        if held:
            transport.write(b"".join(held))


def publish_unread(
    channel: amqp.Channel,
    message: amqp.Message,
    exchange: str,
    routing_key: str,
    mandatory: bool = False,
) -> None:
    """Send what ``channel.basic_publish`` sends, without the read it makes first.

    On a connection that negotiated ``connection.blocked`` (RabbitMQ always does), py-amqp
    reads the socket before every publish (``drain_events(timeout=0)``: a receive that fails
    and two timeout changes, per message). A publisher that awaits its confirms reads
    whatever the broker sent meanwhile then.
    """
    if not channel.connection:
        raise RecoverableConnectionError("basic_publish: connection closed")
    channel.send_method(
        spec.Basic.Publish, "Bssbb", (0, exchange, routing_key, mandatory, False), message
    )
