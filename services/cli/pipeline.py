"""Commands that run or feed the pipeline: up, worker, publish, status, server, demo."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import signal
import sys
import time
from dataclasses import asdict
from typing import Any

from services.cli import demo
from services.cli.output import emit_json, fail, printable, table
from services.cli.supervisor import ROLES, Supervisor, check_ports, parse_scale
from services.common import connection, identity, server
from services.common.logging import JsonLines, configure_logging, logs_as_json
from services.common.settings import Settings
from services.common.status import StreamStatus, as_json, stream_status
from services.common.topology import ensure_topology
from services.projector import health
from services.publish.publisher import publish
from services.publish.sources import SourceError, check_paths, read_paths


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from services.telemetry import PortInUse  # here: other commands need no HTTP server loaded

    configure_logging(settings, stage=args.role)
    if settings.redis_url is None:
        server.ensure_server(settings)  # a worker may start the embedded server; readers never do
    try:
        if args.role == "projector":
            from services.projector.app import run_projector

            asyncio.run(run_projector(settings))
        elif args.role == "archiver":
            from services.archive import run_archiver

            run_archiver(settings)
        else:
            from services.common.worker import run_stage

            # Only this stage's module: a worker does not load the other stages' libraries and data.
            stage = importlib.import_module(f"services.{args.role}.stage").STAGE
            asyncio.run(run_stage(stage, settings))
    except PortInUse as exc:
        return fail(str(exc))
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    try:
        scale = parse_scale(args.scale or [])
        check_ports(scale, settings.metrics_port)
    except ValueError as exc:
        return fail(str(exc))
    started = _ensure_server(settings)
    try:
        asyncio.run(
            identity.bind_configured(settings)
        )  # a log whose metadata does not fit is refused before any worker
    except BaseException:
        if started:
            server.stop_server(settings)
        raise
    output = None
    if logs_as_json(settings):  # every line `up` and its workers print becomes a JSON object
        output = JsonLines(sys.stderr.buffer, "warning", stage="up")
        sys.stdout, sys.stderr = JsonLines(sys.stdout.buffer, "info", stage="up"), output
    supervisor = Supervisor(scale, output=output, metrics_port=settings.metrics_port)
    supervisor.start()
    print(f"newsfacts up: {supervisor.describe()} on {connection.redact(connection.redis_url(settings))}")
    if settings.metrics_port is not None:
        where = ", ".join(f"{role} {port}" for role, port in supervisor.ports())
        print(f"metrics and probes (http://{settings.metrics_host}:PORT/metrics, /healthz, /readyz): {where}")
    print("Ctrl-C stops every worker gracefully.", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        _watch(settings, supervisor, manage_server=started)
    codes = supervisor.stop()
    if started:
        server.stop_server(settings)
    return 0 if all(c == 0 for c in codes.values()) else 1


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops ``up`` as Ctrl-C does: the workers are stopped gracefully first."""
    raise KeyboardInterrupt


def _watch(settings: Settings, supervisor: Supervisor, *, manage_server: bool) -> None:
    """Keep everything up until Ctrl-C: restart workers that die and, if it is ours, the server."""
    while True:
        time.sleep(1.0)
        if manage_server and server.running(settings) is None:
            print("newsfacts: the embedded server is down; restarting it", file=sys.stderr, flush=True)
            server.ensure_server(settings)
        for note in supervisor.restart_dead():
            print(f"newsfacts: {note}", file=sys.stderr, flush=True)


def cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> Any:
        client = connection.client(connection.redis_url(settings))
        try:
            await identity.bind(client, settings)
            await ensure_topology(client, settings.names)
            limit = None if args.no_wait else settings.max_backlog
            items = read_paths(args.paths, skipped)
            return await publish(client, settings.names, items, max_backlog=limit)
        finally:
            await client.aclose()

    skipped: list[tuple[str, str]] = []  # files that cannot be read: each is skipped and named
    try:
        check_paths(args.paths)
        report = asyncio.run(run())
    except (SourceError, OSError) as exc:
        return fail(str(exc))
    if args.json:
        emit_json(
            {
                "sent": report.sent,
                "event_ids": report.event_ids,
                "correlation_ids": report.correlation_ids,
                "warnings": report.warnings,
                "skipped": [{"path": path, "error": why} for path, why in skipped],
                "waited_s": round(report.waited_s, 1),
            }
        )
    else:
        for origin, message in report.warnings:
            print(f"warning: {origin}: {message}", file=sys.stderr)
        for path, why in skipped:
            print(f"error: {path}: {why}; skipped", file=sys.stderr)
        print(f"published {report.sent} item(s) to {settings.names.input_stream('ingest')}")
    if skipped:
        return fail(f"{len(skipped)} file(s) could not be read and were skipped; {report.sent} item(s) sent")
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> Any:
        client = connection.client(connection.redis_url(settings))
        try:
            await identity.check(client, settings)
            return await stream_status(client, settings.names), await health.read(client, settings.names)
        finally:
            await client.aclose()

    rows, projector = asyncio.run(run())
    if args.json:
        state = {**asdict(projector), "restarts": projector.restarts}
        pseudo: dict[str, Any] = {"stream": "projector", "key": settings.names.projector(), "length": None}
        emit_json([*as_json(rows), {**pseudo, "groups": [], "projector": state}])
        return 0
    lines = []
    for row in rows:
        groups = row.groups or []
        if not groups:
            lines.append([row.stream, str(row.length), "-", "-", "-", "-", "-", "-"])
        for g in groups:
            lag = "?" if g.lag is None else str(g.lag)
            cells = [str(g.pending), str(g.max_deliveries), str(g.dead_letters), str(g.consumers)]
            lines.append([row.stream, str(row.length), g.name, lag, *cells])
    headers = ["stream", "length", "group", "lag", "pending", "max deliveries", "dead letters", "consumers"]
    print(table(lines, headers))
    print(f"projector: {printable(projector.summary())}")
    print(archive_summary(rows))
    return 0


def archive_summary(rows: list[StreamStatus]) -> str:
    """One line on the tiered log: how far each stream is archived and trimmed."""
    archived = [r for r in rows if r.archived_until != "0-0"]
    if not archived:
        return "archive: nothing archived yet (newsfacts archive; up runs it every NEWSFACTS_ARCHIVE_EVERY_S)"
    trimmed = [r for r in rows if r.trimmed_before != "0-0"]
    return (
        f"archive: {len(archived)} of {len(rows)} streams archived, {len(trimmed)} trimmed in Redis "
        "(newsfacts archive --status: per stream, and what holds the trim back)"
    )


def cmd_server(args: argparse.Namespace, settings: Settings) -> int:
    if settings.redis_url is not None:
        return fail("REDIS_URL is set: newsfacts does not manage that server")
    if args.action == "start":
        srv = server.ensure_server(settings)
        print(f"embedded server running: {_describe(srv)}")
        if settings.embedded_port is not None and srv.port != settings.embedded_port:
            print(
                f"newsfacts: it was already running on port {srv.port}; NEWSFACTS_EMBEDDED_PORT="
                f"{settings.embedded_port} applies once it is stopped (newsfacts server stop)",
                file=sys.stderr,
            )
    elif args.action == "stop":
        print("stopped" if server.stop_server(settings) else "not running")
    else:
        found = server.running(settings)
        if args.json:
            emit_json(_server_json(found, settings))
        else:
            print(f"running: {_describe(found)}" if found else f"not running (data dir {settings.data_dir})")
        return 0 if found else 1
    return 0


def _describe(srv: server.EmbeddedServer) -> str:
    return f"pid {srv.pid}, port {srv.port}, {connection.redact(srv.url)}, data dir {srv.directory.parent}"


def _server_json(found: server.EmbeddedServer | None, settings: Settings) -> dict[str, Any]:
    if found is None:
        return {"running": False, "data_dir": str(settings.data_dir)}
    url, where = connection.redact(found.url), str(settings.data_dir)
    return {"running": True, "pid": found.pid, "port": found.port, "url": url, "data_dir": where}


def _ensure_server(settings: Settings) -> bool:
    """Start the embedded server when it is ours to manage and not yet up; True if this call started it."""
    if settings.redis_url is not None or server.running(settings) is not None:
        return False
    server.ensure_server(settings)
    return True


def register(sub: Any) -> None:
    p = sub.add_parser("up", help="run every worker and the projector until Ctrl-C")
    p.add_argument("--scale", action="append", metavar="ROLE=N", help="processes of a role (repeatable)")
    p.set_defaults(handler=cmd_up)

    p = sub.add_parser("worker", help="run one process of a stage (start it N times to scale)")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(handler=cmd_worker)

    p = sub.add_parser(
        "publish", help="publish articles: JSON, JSONL, a folder of .json/.html/.txt, or - (stdin)"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--no-wait", action="store_true", help="do not wait when the backlog is over the limit")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_publish)

    p = sub.add_parser("status", help="streams, groups, lag, pending, consumers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("server", help="manage the embedded server (when REDIS_URL is unset)")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.add_argument("--json", action="store_true", help="status as JSON")
    p.set_defaults(handler=cmd_server)

    demo.register(sub, ensure_server=_ensure_server)
