"""Reprocess requests in a stage's input: find them in a batch and swap in the entries they point at."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

import orjson

from services.common.stage import entry_payload

REQUEST_TYPE = "article.reprocess_requested"
_MARK = b'"type":"' + REQUEST_TYPE.encode() + b'"'

Fields = Mapping[bytes, bytes]
Fetch = Callable[[list[str]], Awaitable[dict[str, Fields]]]


def request_target(fields: Fields) -> str | None:
    """The entry id a reprocess request points at, or None for any other entry (cheap check first)."""
    raw = entry_payload(fields)
    if _MARK not in raw:
        return None
    try:
        event = orjson.loads(raw)
        target = event["data"]["entry_id"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    return target if event.get("type") == REQUEST_TYPE and isinstance(target, str) else None


async def resolve(entries: Sequence[tuple[bytes, Fields]], fetch: Fetch) -> list[tuple[bytes, Fields]]:
    """Replace each request's fields by its original entry's; a request whose original is gone stays as is.

    The entry id is kept: it is the request that gets acknowledged.
    """
    targets = {n: t for n, (_, fields) in enumerate(entries) if (t := request_target(fields))}
    if not targets:
        return list(entries)
    originals = await fetch(sorted(set(targets.values())))
    out = list(entries)
    for n, target in targets.items():
        if target in originals:
            out[n] = (entries[n][0], originals[target])
    return out
