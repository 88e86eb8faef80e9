"""The partition map: routing by article id, hash tags spread over the slots, one slot per partition."""

from __future__ import annotations

import zlib

import pytest
from pydantic import ValidationError

from services.common.names import STAGES, Names
from services.common.partitions import (
    MAX_PARTITIONS,
    SLOTS,
    PartitionMap,
    hash_tag,
    parse_selection,
    partition_of,
    slot,
)
from services.common.settings import Settings


def test_an_articles_partition_is_crc32_of_its_id_mod_n() -> None:
    """The documented formula, with values any other language's CRC-32 reproduces."""
    assert zlib.crc32(b"abc") == 0x352441C2
    assert partition_of("abc", 8) == 0x352441C2 % 8 == 2
    assert partition_of("abc", 1) == 0
    assert partition_of("städte-2026", 256) == zlib.crc32("städte-2026".encode()) % 256


def test_every_partitions_slot_lies_in_its_own_equal_share_of_the_slots() -> None:
    """For any N, partition p's tag lands in slots [p*16384/N, (p+1)*16384/N): evenly spread."""
    for n in (*range(1, 17), 24, 31, 32, 64, 100, 128, 255, MAX_PARTITIONS):
        share = SLOTS / n
        for p in range(n):
            assert p * share <= slot(hash_tag(p, n)) < (p + 1) * share, (p, n)


def test_eight_partitions_fill_three_masters_as_evenly_as_eight_can() -> None:
    """valkey-cli gives 3 masters slots 0-5460, 5461-10922, 10923-16383: 8 partitions split 3/2/3."""
    ranges = ((0, 5460), (5461, 10922), (10923, 16383))
    for n, expected in ((3, [1, 1, 1]), (8, [3, 2, 3]), (9, [3, 3, 3]), (12, [4, 4, 4])):
        slots = [slot(hash_tag(p, n)) for p in range(n)]
        assert [sum(lo <= s <= hi for s in slots) for lo, hi in ranges] == expected


def test_every_key_one_commit_touches_shares_its_partitions_slot() -> None:
    """Input, outputs, guard, order key, dead letters, parking, fingerprints: one slot per partition."""
    pmap = PartitionMap("nf", 8)
    slots_seen = set()
    for p, names in enumerate(pmap.all()):
        keys = [names.stream(s) for s in ("submitted", "indexed", "rejected")]
        for stage in STAGES:
            keys += [names.done(stage), names.dlq(stage), names.parked(stage), names.order(stage, "a-1")]
        keys.append(names.fingerprints())
        assert {slot(k) for k in keys} == {slot(hash_tag(p, 8))}
        slots_seen.add(slot(keys[0]))
    assert len(slots_seen) == 8


def test_stage_names_stay_readable_in_partitioned_keys() -> None:
    """An operator sees the partition and the stream: ``nf:{p3-...}:stream:indexed``."""
    key = PartitionMap("nf", 8).names(3).stream("indexed")
    assert key.startswith("nf:{p3") and key.endswith("}:stream:indexed")


def test_one_partition_keeps_todays_key_names() -> None:
    """P=1 is layout 1: an existing log's keys are exactly what they were."""
    pmap = PartitionMap("nf", 1)
    assert pmap.layout == 1
    assert pmap.all() == [Names("nf")]
    assert pmap.for_article("anything").stream("cleaned") == "nf:stream:cleaned"
    assert PartitionMap("nf", 2).layout == 2


def test_the_log_metadata_key_belongs_to_no_partition() -> None:
    """``nf:meta`` describes the whole log, whatever N is."""
    assert PartitionMap("nf", 8).base.meta() == PartitionMap("nf", 1).base.meta() == "nf:meta"


def test_a_hash_tagged_prefix_cannot_be_partitioned() -> None:
    """``{nf}`` would pull every partition into one slot, so N > 1 refuses it with a reason."""
    with pytest.raises(ValueError, match="hash tag"):
        PartitionMap("{nf}", 4)
    with pytest.raises(ValidationError, match="hash tag"):
        Settings(prefix="{nf}", partitions=4)
    assert PartitionMap("{nf}", 1).names(0).stream("cleaned") == "{nf}:stream:cleaned"


@pytest.mark.parametrize("n", [0, 257, -1])
def test_partition_counts_outside_1_to_256_are_refused(n: int) -> None:
    """NEWSFACTS_PARTITIONS must be 1..256."""
    with pytest.raises(ValueError, match=r"1 to 256"):
        PartitionMap("nf", n)
    with pytest.raises(ValidationError):
        Settings(partitions=n)


def test_a_partition_outside_the_log_is_refused() -> None:
    """Asking for partition 8 of 8 is a mistake, not a new key."""
    with pytest.raises(ValueError, match=r"not in 0\.\.7"):
        PartitionMap("nf", 8).names(8)
    with pytest.raises(ValueError, match=r"not in 0\.\.0"):
        PartitionMap("nf", 1).names(1)


def test_partition_selections_read_ranges_and_lists() -> None:
    """``--partitions 0-3,8`` names partitions 0, 1, 2, 3 and 8."""
    assert parse_selection("0-3,8", 16) == [0, 1, 2, 3, 8]
    assert parse_selection("5", 8) == [5]
    with pytest.raises(ValueError, match=r"within 0\.\.7"):
        parse_selection("6-9", 8)
    with pytest.raises(ValueError, match="bad partition selection"):
        parse_selection("a-b", 8)
