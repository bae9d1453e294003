"""Private RabbitMQ nodes and PostgreSQL clusters for the tests that hurt them.

A test or benchmark that injects a broker or database fault starts its own node or cluster in
a temporary folder, on free ports, and hurts only that.  Every fault helper checks first that
its target is one this process started (``NotOurs`` otherwise), so no test can stop, kill or
cut the connections of the machine's RabbitMQ or PostgreSQL, which other people may be using.
Every ``rabbitmqctl`` call names its node (``-n``) and carries the node's own Erlang cookie.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
_RUNNING: dict[int, object] = {}  # port -> the RabbitNode or PrivatePostgres this process started


class NotOurs(RuntimeError):
    """A fault helper was pointed at a broker or database this process did not start."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _free_range(size: int) -> int:
    """The first of size consecutive free ports (rabbitmqctl's own distribution ports)."""
    while True:
        base = secrets.randbelow(20000) + 40000
        try:
            for port in range(base, base + size):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue


def _as(user: str) -> list[str]:
    """Prefix to run a server as its own system user (they refuse root or drop to it)."""
    return ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []


def _private_folder(prefix: str, user: str) -> Path:
    """A fresh folder under /tmp the server's user owns (pytest's tmp_path is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, user, user)
    return folder


def _chown_tree(folder: Path, user: str) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{user}:{user}", str(folder)], check=True)


def rabbit_available() -> bool:
    """Whether this machine can run a private RabbitMQ node."""
    return (RABBIT_BIN / "rabbitmq-server").exists()


def postgres_available() -> bool:
    """Whether this machine can run a private PostgreSQL cluster."""
    return bool(POSTGRES_BINS)


def owned(url: str):
    """The private node or cluster serving url; NotOurs for anything this process did not start.

    An AMQP URL may list several nodes (``;``-separated, for failover): all must be ours.
    """
    targets = []
    for part in url.split(";"):
        parsed = urlparse(part.replace("+psycopg", ""))
        target = _RUNNING.get(parsed.port or 0)
        if parsed.hostname not in ("127.0.0.1", "localhost") or target is None:
            raise NotOurs(f"{parsed.hostname}:{parsed.port} was not started by this test run")
        targets.append(target)
    return targets[0]


def rabbitmqctl(node: str, *args: str, timeout: float = 180) -> str:
    """Run rabbitmqctl against a node this process started; refuse any other node."""
    for target in _RUNNING.values():
        if isinstance(target, RabbitNode) and target.node == node:
            return target.ctl(*args, timeout=timeout)
    raise NotOurs(f"rabbitmqctl refused: node {node} was not started by this test run")


def pg_ctl(data_dir: str | Path, *args: str) -> None:
    """Run pg_ctl on a cluster this process started; refuse any other data folder."""
    for target in _RUNNING.values():
        if isinstance(target, PrivatePostgres) and target.data == Path(data_dir):
            return target.pg_ctl(*args)
    raise NotOurs(f"pg_ctl refused: {data_dir} was not started by this test run")


class RabbitNode:
    """One RabbitMQ node with its own name, ports, folders, config and Erlang cookie."""

    def __init__(self, cookie: str | None = None, folder: Path | None = None) -> None:
        self.folder = folder or _private_folder("cx-rabbit-", "rabbitmq")
        self.port, self.dist_port = free_port(), free_port()
        self.node = f"cxtest-{secrets.token_hex(4)}@localhost"
        self.cookie = cookie or secrets.token_hex(16)
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"
        # rabbitmqctl listens on 35672-35682 by default, shared with every other CLI call on
        # the machine: a busy machine exhausts it and our calls hang, so ours get a range
        self.ctl_ports = _free_range(10)
        self.process: subprocess.Popen | None = None

    def _write_files(self) -> None:
        home = self.folder / "home"
        home.mkdir(exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(self.cookie)
        cookie.chmod(0o400)
        # /etc/rabbitmq/rabbitmq.conf pins 5672: our own config names our own port
        (self.folder / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
        )
        (self.folder / "enabled_plugins").write_text("[].\n")
        (self.folder / "rabbitmq-env.conf").write_text("")  # not the machine's NODENAME
        _chown_tree(self.folder, "rabbitmq")

    def environment(self) -> dict[str, str]:
        """The RABBITMQ_* variables that make this node independent of the machine's own."""
        return {
            "HOME": str(self.folder / "home"),
            "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(self.folder / "pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def start(self, timeout: float = 90) -> RabbitNode:
        """Boot the node (first time: create its folders); returns once AMQP answers."""
        if not (self.folder / "home").exists():
            self._write_files()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **self.environment()}
        with open(self.folder / "server.log", "ab") as log:
            self.process = subprocess.Popen(
                [*_as("rabbitmq"), "env", *[f"{k}={v}" for k, v in env.items()]]
                + [str(RABBIT_BIN / "rabbitmq-server")],
                stdout=log,
                stderr=log,
                cwd=self.folder,
                start_new_session=True,
            )
        _RUNNING[self.port] = self
        self.await_amqp(timeout)
        return self

    def await_amqp(self, timeout: float = 90) -> None:
        """Wait until the node accepts AMQP connections (not just an open port)."""
        from kombu import Connection

        deadline = time.monotonic() + timeout
        while True:
            try:
                with Connection(self.url, connect_timeout=1) as connection:
                    connection.connect()
                return
            except Exception:  # noqa: BLE001 - still booting
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.node} did not start; see {self.folder}") from None
                time.sleep(0.25)

    def ctl(self, *args: str, timeout: float = 180) -> str:
        """rabbitmqctl for this node only (its name and cookie), run as root or ourselves."""
        self._own()
        done = subprocess.run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, "--erlang-cookie", self.cookie]
            + list(args),
            capture_output=True,
            text=True,
            timeout=timeout,
            env={
                **os.environ,
                "HOME": str(self.folder / "home"),
                "ERL_EPMD_ADDRESS": "127.0.0.1",
                "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
                "RABBITMQ_CTL_DIST_PORT_MIN": str(self.ctl_ports),
                "RABBITMQ_CTL_DIST_PORT_MAX": str(self.ctl_ports + 9),
            },
        )
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def beam_pid(self) -> int:
        """The Erlang VM's pid (the server script is only its parent)."""
        deadline = time.monotonic() + 10
        while not (self.folder / "pid").exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.node} wrote no pid file")
            time.sleep(0.1)
        return int((self.folder / "pid").read_text().strip())

    def signal(self, sig: int) -> None:
        """Send sig to the node's VM: SIGKILL for a crash, SIGSTOP/SIGCONT for a freeze."""
        self._own()
        os.kill(self.beam_pid(), sig)
        if sig == signal.SIGKILL:
            (self.folder / "pid").unlink(missing_ok=True)
            self.process.wait(timeout=30)
            self.process = None

    def close_all_connections(self, reason: str = "fault injected") -> None:
        """Cut every client connection of this node."""
        self.ctl("close_all_connections", reason)

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.await_amqp()

    def _own(self) -> None:
        if _RUNNING.get(self.port) is not self:
            raise NotOurs(f"{self.node} is not running under this test run")

    def destroy(self) -> None:
        """Kill the VM (its data is thrown away anyway) and remove the folder."""
        if self.process is not None:
            with contextlib.suppress(Exception):
                os.kill(self.beam_pid(), signal.SIGKILL)
            self.process.kill()
            self.process.wait(timeout=30)
        _RUNNING.pop(self.port, None)
        shutil.rmtree(self.folder, ignore_errors=True)


class RabbitCluster:
    """Three (or more) private nodes joined into one cluster; AMQP_URL lists them all."""

    def __init__(self, size: int = 3) -> None:
        cookie = secrets.token_hex(16)
        self.nodes = [RabbitNode(cookie) for _ in range(size)]

    @property
    def url(self) -> str:
        """Every node, for kombu's failover (``;``-separated)."""
        return ";".join(node.url for node in self.nodes)

    def start(self) -> RabbitCluster:
        first, *others = self.nodes
        first.start()
        for node in others:
            node.start()
            node.stop_app()
            node.ctl("join_cluster", first.node)
            node.start_app()
        return self

    def destroy(self) -> None:
        for node in self.nodes:
            node.destroy()


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb + pg_ctl), trust auth, socket in its folder."""

    def __init__(self) -> None:
        self.folder = _private_folder("cx-postgres-", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.bin = POSTGRES_BINS[-1]

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*_as("postgres"), *command], capture_output=True, text=True, cwd=self.folder
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr.strip() or done.stdout}")

    def start(self) -> PrivatePostgres:
        """initdb on first use, then start and wait until it accepts connections."""
        if not self.data.exists():
            initdb = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres"]
            self._run(*initdb, "-A", "trust", "--no-sync")
        _RUNNING[self.port] = self
        self.pg_ctl("start")
        return self

    def pg_ctl(self, action: str, *args: str) -> None:
        """pg_ctl on our data folder: start (waits), stop -m fast|immediate."""
        if _RUNNING.get(self.port) is not self:
            raise NotOurs(f"{self.data} is not running under this test run")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", action, *args]
        if action == "start":
            command += ["-l", str(self.folder / "server.log"), "-o", options]
        self._run(*command)

    def crash(self) -> None:
        """Stop at once, no shutdown checkpoint: the server crashes as far as clients know."""
        self.pg_ctl("stop", "-m", "immediate")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.pg_ctl("stop", "-m", "immediate")
        _RUNNING.pop(self.port, None)
        shutil.rmtree(self.folder, ignore_errors=True)
