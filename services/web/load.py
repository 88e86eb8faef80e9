"""API latency under load: ``python -m services.web.load [--articles N] [--clients N] [--requests N]``.

Builds a SQLite read store of synthetic articles (``projector.synthetic``, folded by the real
store), starts ``newsfacts serve`` on it in its own process, and sends ``--requests`` searches
and then as many article reads from ``--clients`` concurrent keep-alive connections. Prints p50 /
p99 per endpoint and the machine's load, then stops everything. With ``--browser`` it also times
the browser tests (``tests/web/test_browser.py``, from a source tree).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from services.bench.stats import summary
from services.common.settings import Settings
from services.projector import generations
from services.projector.store import ReadModelStore
from services.projector.synthetic import synthetic_log

#: Words of the synthetic articles (``projector.synthetic``): every search finds something.
WORDS = (
    "market",
    "inflation",
    "battery",
    "exports",
    "tariffs",
    "profit",
    "merger",
    "energy",
    "cloud",
    "chip",
)
ORGS = ("Xiaomi", "Tesla", "Baidu", "Nvidia", "Shell", "Airbus", "Siemens", "Sony")


def build_store(settings: Settings, articles: int, batch: int = 6000) -> float:
    """Fold ``articles`` synthetic articles into the live read-model file; the seconds it took."""
    start = time.perf_counter()
    log = synthetic_log(articles)
    with ReadModelStore.open(generations.current(settings), bulk=True) as store:
        for at in range(0, len(log), batch):
            store.apply_batch(log[at : at + batch])
        store.settle()
    return time.perf_counter() - start


async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET on a kept-alive HTTP/1.1 connection; the status code (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(v) for k, _, v in (line.partition(":") for line in lines[1:]) if k.lower() == "content-length"
    )
    await reader.readexactly(length)
    return int(lines[0].split()[1])


async def hammer(port: int, paths: list[str], clients: int) -> tuple[list[float], int]:
    """Send every path once, ``clients`` connections at a time; latencies (ms) and non-200 replies."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    latencies: list[float] = []
    failed = 0

    async def client() -> None:
        nonlocal failed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                path = queue.get_nowait()
                start = time.perf_counter()
                status = await get(reader, writer, path)
                latencies.append((time.perf_counter() - start) * 1000)
                failed += status != 200
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, failed


def workload(kind: str, n: int, articles: int, rng: random.Random) -> list[str]:
    """``n`` request paths: searches of one or two words (some with an entity filter), or article reads."""
    if kind == "article":
        return [f"/api/articles/art-{rng.randrange(articles):06d}" for _ in range(n)]
    paths = []
    for _ in range(n):
        words = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
        entity = f"&entity={rng.choice(ORGS)}" if rng.random() < 0.3 else ""
        paths.append(f"/api/search?q={quote(words)}&limit=20{entity}")
    return paths


def serve(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    """``newsfacts serve`` on the store, in its own process; returns once it answers."""
    env = {**os.environ, "NEWSFACTS_DATA_DIR": str(settings.data_dir), "NEWSFACTS_PREFIX": settings.prefix,
           "NEWSFACTS_LOG_LEVEL": "warning"}  # fmt: skip
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"newsfacts serve exited with {proc.returncode}") from None
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("newsfacts serve did not answer within 60 s")


def time_browser_tests() -> float | None:
    """Seconds the browser tests take (a source tree only), or None where they are not present."""
    tests = Path("tests/web/test_browser.py")
    if not tests.exists():
        return None
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)])
    if done.returncode != 0:
        raise RuntimeError("the browser tests failed")
    return time.perf_counter() - start


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every figure of one run."""
    rng = random.Random(14)
    out: dict[str, Any] = {"articles": args.articles, "clients": args.clients, "cores": os.cpu_count(),
                           "load_before": [round(x, 1) for x in os.getloadavg()]}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="newsfacts-load-") as folder:
        settings = Settings(data_dir=Path(folder), prefix="load")
        out["build_s"] = round(build_store(settings, args.articles), 1)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        proc = serve(settings, port)
        try:
            for kind in ("search", "article"):
                asyncio.run(hammer(port, workload(kind, args.clients * 2, args.articles, rng), args.clients))
                start = time.perf_counter()
                latencies, failed = asyncio.run(
                    hammer(port, workload(kind, args.requests, args.articles, rng), args.clients)
                )
                took = time.perf_counter() - start
                out[kind] = {**summary(latencies), "failed": failed, "per_s": round(len(latencies) / took)}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    out["load_after"] = [round(x, 1) for x in os.getloadavg()]
    if args.browser:
        out["browser_tests_s"] = round(t, 1) if (t := time_browser_tests()) is not None else None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.web.load", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2_000, help="per endpoint, after a warm-up")
    parser.add_argument("--browser", action="store_true", help="also time the browser tests")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args)
    if args.json:
        print(orjson.dumps(figures).decode())
        return 0
    print(
        f"{figures['articles']:,} articles (store built in {figures['build_s']} s), {figures['clients']} "
        f"clients, {figures['cores']} cores, load average {figures['load_before']} -> {figures['load_after']}"
    )
    for kind in ("search", "article"):
        f = figures[kind]
        print(f"  {kind:<8} p50 {f['p50']} ms  p99 {f['p99']} ms  max {f['max']} ms  "
              f"{f['per_s']} req/s  ({f['count']} requests, {f['failed']} not 200)")  # fmt: skip
    if "browser_tests_s" in figures:
        print(f"  browser tests: {figures['browser_tests_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
