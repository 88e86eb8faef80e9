"""The archive's pure parts: the trim rule, the segment format, the retention setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.archive.segment import digest, from_table, summarise, to_table
from services.archive.store import Archive, ArchiveUnavailable
from services.archive.tiers import behind_trim
from services.archive.trim import GroupState, held_by, low_water, trim_to
from services.common.settings import Settings

ROWS = [
    (b"5-0", {b"event": b'{"id": "e1", "type": "article.cleaned", "subject": "a1"}'}),
    (b"5-1", {b"event": b"\xff not json"}),
    (b"9-0", {b"foo": b"bar", b"raw": b"\x00\x01"}),
]


def test_a_segment_round_trips_byte_for_byte_with_envelope_columns() -> None:
    table = to_table(ROWS)
    assert from_table(table) == ROWS
    assert table.column("type").to_pylist() == ["article.cleaned", None, None]
    assert table.column("subject").to_pylist() == ["a1", None, None]
    summary = summarise(ROWS)
    assert (summary.first, summary.last, summary.count, summary.first_ms) == ("5-0", "9-0", 3, 5)
    assert digest(ROWS) != digest([*ROWS[:2], (b"9-0", {b"foo": b"baz", b"raw": b"\x00\x01"})])


def test_the_low_water_mark_is_the_oldest_entry_any_group_still_needs() -> None:
    groups = [
        GroupState("cleaned", "classify", last_delivered="20-0", oldest_pending="12-3"),
        GroupState("classified", "enrich", last_delivered="15-0", oldest_pending=None),
    ]
    assert low_water(groups, None) == (12, 3)
    assert low_water(groups, 10) == (10, 0)  # retention keeps from ms 10
    assert low_water([], None) is None
    assert held_by(groups, None) == ((12, 3), "group classify on cleaned has it pending")
    assert held_by(groups[1:], None) == ((15, 1), "group enrich on classified has not read past it")


def test_a_stream_is_trimmed_to_the_least_of_archive_mark_and_projectors() -> None:
    assert trim_to("0-0", None) is None  # nothing archived: nothing goes
    assert trim_to("30-0", None) == "30-1"  # everything archived goes
    assert trim_to("30-0", (12, 3)) == "12-3"
    assert trim_to("30-0", None, ["8-0"]) == "8-1"  # a projector at 8-0 needs 8-1 on
    assert trim_to("30-0", (0, 1)) is None


def test_a_reader_is_behind_the_trim_when_it_needs_a_trimmed_entry() -> None:
    assert behind_trim({"cleaned": "5-0"}, {b"cleaned": b"9-0"})
    assert not behind_trim({"cleaned": "8-9"}, {b"cleaned": b"8-10"})
    assert not behind_trim({}, {})


def test_retention_takes_durations_and_never() -> None:
    assert Settings(retention="6h").retention_ms == 6 * 3_600_000
    assert Settings(retention="0").retention_ms == 0
    assert Settings(retention="never").retention_ms is None
    for bad in ("6 hours", "-1h", "h", ""):
        with pytest.raises(ValidationError):
            Settings(retention=bad)


def test_an_archive_on_any_fsspec_storage_and_clear_errors_for_unknown_ones() -> None:
    archive = Archive.open("memory://newsfacts-test", "nf")
    segment = archive.append("submitted", 0, ROWS)
    assert archive.segments("submitted", 0) == [segment]
    assert list(archive.rows("submitted", 0, after="5-0", until="9-0")) == [ROWS[1:]]
    assert list(archive.rows("submitted", 0, after="9-0")) == []
    with pytest.raises(ValueError, match="is not after"):
        archive.append("submitted", 0, ROWS[:1])
    with pytest.raises(ArchiveUnavailable, match="Protocol not known"):
        Archive.open("nosuch://x", "nf")


def test_a_group_that_has_read_its_whole_stream_needs_none_of_it() -> None:
    done = GroupState("submitted", "ingest", last_delivered="20-0", oldest_pending=None, caught_up=True)
    assert low_water([done], None) is None
    busy = GroupState("submitted", "ingest", last_delivered="20-0", oldest_pending="18-0", caught_up=True)
    assert low_water([busy], None) == (18, 0)
