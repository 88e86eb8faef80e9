"""The ``newsfacts`` command line: argument parsing and dispatch to the command modules."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.archive.store import ArchiveCorrupt, ArchiveUnavailable
from services.archive.tiers import LogGap
from services.cli import (
    amend,
    archiving,
    bench,
    contract,
    dlq,
    docs,
    evaluate,
    lineage,
    partitioning,
    pipeline,
    reading,
    replay,
    serve,
    story,
)
from services.cli.output import fail
from services.common import connection
from services.common.identity import EXIT_MISMATCH, LogMismatch
from services.common.server import ServerUnavailable
from services.common.settings import Settings
from services.projector.logbinding import EXIT_STORE, StoreOfAnotherLog

Command = Callable[[argparse.Namespace, Settings], int]
#: Exit code of a command whose write the server refused for want of memory (maxmemory, noeviction).
EXIT_OUT_OF_MEMORY = 6


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsfacts",
        description="News articles in, an append-only log of facts out, folded into queryable read models.",
        epilog="Settings come from the environment (REDIS_URL, NEWSFACTS_*); see README.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    pipeline.register(sub)
    reading.register(sub)
    story.register(sub)
    lineage.register(sub)
    amend.register(sub)
    dlq.register(sub)
    replay.register(sub)
    evaluate.register(sub)
    docs.register(sub)
    contract.register(sub)
    bench.register(sub)
    partitioning.register(sub)
    archiving.register(sub)
    serve.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        return fail(f"bad setting: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}")
    handler: Command = args.handler
    try:
        code = handler(args, settings)
        sys.stdout.flush()  # here, so that a reader gone away is caught below and not at exit
        return code
    except BrokenPipeError:
        # The reader of our output went away (`newsfacts status | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ServerUnavailable as exc:
        return fail(str(exc), 3)
    except ArchiveUnavailable as exc:
        return fail(str(exc), 2)
    except (ArchiveCorrupt, LogGap) as exc:
        return fail(f"the log cannot be read whole: {exc}", 1)
    except OutOfMemoryError:
        return fail(
            "the server is out of memory (maxmemory reached) and refused the write: free memory or raise "
            "maxmemory, then run the command again (what was already sent stays in the log; a submission "
            "sent twice is recorded as a duplicate, not processed again)",
            EXIT_OUT_OF_MEMORY,
        )
    except LogMismatch as exc:
        return fail(str(exc), EXIT_MISMATCH)
    except StoreOfAnotherLog as exc:
        return fail(str(exc), EXIT_STORE)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        where = (
            connection.redact(settings.redis_url.get_secret_value())
            if settings.redis_url
            else "the embedded server"
        )
        return fail(f"cannot reach {where}: {exc}", 3)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
