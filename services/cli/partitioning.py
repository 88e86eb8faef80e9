"""``newsfacts partition ARTICLE_ID`` and ``newsfacts cluster start|stop|status``.

``partition`` prints which partition an article belongs to and that partition's stream keys,
so an operator can find its history with plain redis-cli. ``cluster`` runs a local Redis
Cluster (3 masters, 3 replicas) from the embedded binary under the data directory, for trying
cluster mode out and for tests.
"""

from __future__ import annotations

import argparse
from typing import Any

from services.cli.output import emit_json, fail
from services.common import localcluster
from services.common.names import LOG_STREAMS
from services.common.partitions import slot
from services.common.settings import Settings


def cmd_partition(args: argparse.Namespace, settings: Settings) -> int:
    if not args.article_id.strip():
        return fail("the article id is empty")
    pmap = settings.partition_map
    partition = pmap.of(args.article_id)
    names = pmap.names(partition)
    streams = {short: names.stream(short) for short in LOG_STREAMS}
    found = {
        "article_id": args.article_id,
        "partitions": pmap.count,
        "partition": partition,
        "tag": names.tag,
        "slot": slot(names.stream("submitted")),
        "streams": streams,
    }
    if args.json:
        emit_json(found)
        return 0
    print(f"article {args.article_id!r}: partition {partition} of {pmap.count} (slot {found['slot']})")
    for key in streams.values():
        print(f"  {key}")
    return 0


def cmd_cluster(args: argparse.Namespace, settings: Settings) -> int:
    directory = settings.data_dir / "cluster"
    if args.action == "start":
        current = localcluster.running(directory)
        if current is None:
            current = localcluster.start(directory)
        print(f"local cluster up: REDIS_URL={current.url} NEWSFACTS_REDIS_CLUSTER=1")
        print("  nodes: " + " ".join(f"127.0.0.1:{p}" for p in current.ports))
        return 0
    if args.action == "stop":
        print("stopped" if localcluster.stop(directory) else "no local cluster was running")
        return 0
    current = localcluster.running(directory)
    if current is None:
        print(f"no local cluster in {directory}")
        return 1
    print(f"local cluster up: REDIS_URL={current.url}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("partition", help="the partition of an article, and its stream keys")
    p.add_argument("article_id")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_partition)

    p = sub.add_parser("cluster", help="a local Redis Cluster (3 masters, 3 replicas) under the data dir")
    p.add_argument("action", choices=["start", "stop", "status"])
    p.set_defaults(handler=cmd_cluster)
