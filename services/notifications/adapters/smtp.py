"""Mailers: an SMTP relay, and a directory of .eml files for development and demos."""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import ssl
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Literal

from services.notifications.domain.errors import (
    DeliveryError,
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from services.notifications.domain.outgoing_mail import WireEmail
from services.notifications.domain.ports import Mailer

Security = Literal["none", "starttls", "tls"]
SECURITIES: frozenset[str] = frozenset({"none", "starttls", "tls"})


class SmtpMailer(Mailer):
    """Sends messages to one relay over one SMTP connection, kept open between messages.

    Before a connection is reused it gets an ``RSET``: if the relay has dropped it meanwhile,
    nothing was sent on it, so a new connection is opened and the message goes out once. A
    failure inside a transaction closes the connection; the caller retries the message later.
    Threads sharing a mailer take turns on its connection; concurrent senders get one each.
    """

    def __init__(
        self,
        host: str,
        port: int,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SECURITIES:
            raise ValueError(f"unknown SMTP security {security!r}")
        if (username is None) != (password is None):
            raise ValueError("give both SMTP username and password, or neither")
        self.host, self.port, self.security = host, port, security
        self._credentials: tuple[str, str] | None = None
        if username is not None and password is not None:
            self._credentials = (username, password)
        self._timeout = timeout
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None
        self._finalizer: weakref.finalize | None = None
        self._lock = threading.Lock()

    def send(self, email: WireEmail) -> None:
        """Hand email to the relay; 5xx replies are permanent, anything else temporary."""
        try:
            with self._lock:
                self._send(email)
        except smtplib.SMTPRecipientsRefused as exc:
            # Our messages have a single recipient, so its reply is the whole story.
            raise _reply_error(*next(iter(exc.recipients.values()))) from exc
        except smtplib.SMTPResponseException as exc:
            raise _reply_error(exc.smtp_code, exc.smtp_error) from exc
        except OSError as exc:  # refused or dropped connection, timeout, TLS failure
            raise TemporaryDeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def _send(self, email: WireEmail) -> None:
        reused = self._smtp is not None
        try:
            try:
                smtp = self._session()
                self._envelope(smtp, email)
            except OSError:
                if not reused:
                    raise
                # the relay hung up between RSET and MAIL FROM: nothing was sent on that
                # connection, so the message goes once more on a new one, costing no attempt
                self._drop()
                smtp = self._session()
                self._envelope(smtp, email)
            code, reply = smtp.data(email.data)
            if code != 250:
                smtp.rset()
                raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPRecipientsRefused:
            raise  # a refusal of the message, not of the connection (it was reset)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the relay is closing this connection
                self._drop()
            raise
        except OSError:
            self._drop()
            raise

    @staticmethod
    def _envelope(smtp: smtplib.SMTP, email: WireEmail) -> None:
        """MAIL FROM and RCPT TO, as ``sendmail`` sends them; a refusal resets the session."""
        smtp.ehlo_or_helo_if_needed()
        options = [f"size={len(email.data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
        code, reply = smtp.mail(email.sender, options)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, email.sender)
        code, reply = smtp.rcpt(email.recipient)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({email.recipient: (code, reply)})

    def close(self) -> None:
        """Say QUIT and close the connection (an idle sender lets go of the relay)."""
        with self._lock:
            if self._smtp is not None:
                with contextlib.suppress(OSError):
                    self._smtp.quit()
                self._drop()

    def _session(self) -> smtplib.SMTP:
        """The open connection if the relay still answers RSET on it, else a new one."""
        if self._smtp is not None:
            try:
                self._smtp.rset()
                return self._smtp
            except OSError:  # dropped while idle, or after the last message
                self._drop()
        smtp = self._connect()
        try:
            if self.security == "starttls":
                smtp.starttls(context=self._ssl_context)
            if self._credentials is not None:
                smtp.login(*self._credentials)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        # a mailer dropped without close() (a process ending, a test) still hangs up
        self._finalizer = weakref.finalize(self, smtp.close)
        return smtp

    def _drop(self) -> None:
        if self._finalizer is not None:
            self._finalizer()  # closes the connection, once
        self._smtp, self._finalizer = None, None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self._timeout, context=self._ssl_context
            )
        return smtplib.SMTP(self.host, self.port, timeout=self._timeout)


class MailboxDirMailer(Mailer):
    """Writes each message to <path>/<Message-ID>.eml; a re-send replaces the earlier file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def send(self, email: WireEmail) -> None:
        """Write email atomically (temp file, then rename) under a name from its Message-ID."""
        if not email.message_id:
            raise ValueError("a message needs a Message-ID to be stored")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.path / eml_name(email.message_id), email.data)
        except OSError as exc:
            raise TemporaryDeliveryError(f"{type(exc).__name__}: {exc}") from exc


def eml_name(message_id: str) -> str:
    """A safe file name for a Message-ID: '<abc@example.eu>' -> 'abc@example.eu.eml'."""
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", message_id.strip().strip("<>")) + ".eml"


def _write_atomically(target: Path, data: bytes) -> None:
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _reply_error(code: int, message: bytes | str) -> DeliveryError:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    error = PermanentDeliveryError if 500 <= code < 600 else TemporaryDeliveryError
    return error(f"{code} {text}", code)
