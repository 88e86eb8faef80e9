"""The partition map: which partition an article belongs to, and how a partition's keys are tagged.

A log of ``N`` partitions (``NEWSFACTS_PARTITIONS``, 1 to 256) keeps one copy of every stream,
guard and order key per partition. An article's partition is

    partition(article_id) = crc32(utf8(article_id)) mod N

with crc32 the common IEEE CRC-32 (zlib, Java's ``java.util.zip.CRC32``, Go's
``crc32.ChecksumIEEE``), so any process in any language routes an article the same way, and
its whole history (submission, corrections, retraction, reprocess requests) stays in one
partition, in order.

Every key of partition ``p`` carries the hash tag ``{tag(p)}`` right after the prefix
(``nf:{p3-117}:stream:indexed``), so that everything one commit touches shares a Redis
Cluster slot. ``tag(p)`` is ``p<p>`` or, if that misses, the first ``p<p>-<k>`` (k = 1, 2, ...)
whose slot (CRC16 mod 16384) lies within 32 slots of the centre of partition p's equal
share of the slots, ``(2p + 1) * 16384 / (2N)``; so N partitions sit evenly over any split of
the slots into contiguous ranges, which is how ``valkey-cli --cluster create`` assigns them.

Layout 1 is the original, unpartitioned naming (``nf:stream:indexed``), kept for a log of one
partition so that every existing log stays readable unchanged; layout 2 is the tagged naming
above, used whenever N > 1.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

from redis.crc import key_slot

from services.common.names import Names

MAX_PARTITIONS = 256
SLOTS = 16384
#: One partition, today's key names (no hash tag).
LAYOUT_SINGLE = 1
#: N partitions, each key hash-tagged with its partition.
LAYOUT_PARTITIONED = 2
_WINDOW = 32


def partition_of(article_id: str, partitions: int) -> int:
    """The partition of an article: ``crc32(utf8(article_id)) mod partitions``."""
    return zlib.crc32(article_id.encode("utf-8")) % partitions


def slot(key: str) -> int:
    """The Redis Cluster slot of a key (CRC16 of its hash tag, or of the key, mod 16384)."""
    return int(key_slot(key.encode("utf-8")))


def target_slot(partition: int, partitions: int) -> int:
    """The centre of a partition's equal share of the cluster's slots."""
    return (2 * partition + 1) * SLOTS // (2 * partitions)


@cache
def hash_tag(partition: int, partitions: int) -> str:
    """The hash tag of a partition: ``p<p>`` or ``p<p>-<k>``, the first whose slot is near its target."""
    _check(partitions)
    if not 0 <= partition < partitions:
        raise ValueError(f"partition {partition} is not in 0..{partitions - 1}")
    centre = target_slot(partition, partitions)
    k = 0
    while True:
        tag = f"p{partition}" + (f"-{k}" if k else "")
        if abs(slot(tag) - centre) < _WINDOW:
            return tag
        k += 1


def layout_for(partitions: int) -> int:
    """The key layout of a log with this many partitions."""
    return LAYOUT_SINGLE if partitions == 1 else LAYOUT_PARTITIONED


@dataclass(frozen=True, slots=True)
class PartitionMap:
    """The partitions of one log: their key names, and the partition of each article."""

    prefix: str = "nf"
    count: int = 1

    def __post_init__(self) -> None:
        _check(self.count)
        if self.count > 1 and "{" in self.prefix:
            raise ValueError(
                f"prefix {self.prefix!r} has a hash tag: with {self.count} partitions each partition "
                "tags its own keys, so the prefix must not (use e.g. NEWSFACTS_PREFIX=nf)"
            )

    @property
    def layout(self) -> int:
        return layout_for(self.count)

    @property
    def base(self) -> Names:
        """Names of the log's keys that belong to no partition (its metadata)."""
        return Names(self.prefix)

    def of(self, article_id: str) -> int:
        return partition_of(article_id, self.count)

    def names(self, partition: int) -> Names:
        """The key names of one partition."""
        if self.layout == LAYOUT_SINGLE:
            if partition != 0:
                raise ValueError(f"partition {partition} is not in 0..0")
            return Names(self.prefix)
        return Names(self.prefix, hash_tag(partition, self.count))

    def for_article(self, article_id: str) -> Names:
        """The key names of the partition an article belongs to."""
        return self.names(self.of(article_id))

    def all(self) -> list[Names]:
        """The key names of every partition, in partition order."""
        return [self.names(p) for p in range(self.count)]


def parse_selection(text: str, partitions: int) -> list[int]:
    """Partitions named like ``0-7``, ``3`` or ``0-3,8``; every one must exist in the log."""
    chosen: set[int] = set()
    for part in text.split(","):
        low, sep, high = part.strip().partition("-")
        try:
            first, last = int(low), int(high) if sep else int(low)
        except ValueError:
            raise ValueError(f"bad partition selection {text!r}: use e.g. 0-7, 3 or 0-3,8") from None
        if not 0 <= first <= last < partitions:
            raise ValueError(f"partitions {part.strip()!r} are not within 0..{partitions - 1}")
        chosen.update(range(first, last + 1))
    return sorted(chosen)


def _check(partitions: int) -> None:
    if not 1 <= partitions <= MAX_PARTITIONS:
        raise ValueError(f"the number of partitions must be 1 to {MAX_PARTITIONS}, not {partitions}")
