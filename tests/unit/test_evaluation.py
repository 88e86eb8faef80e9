"""The quality harness: scoring rules, gold-file checking, and an end-to-end run on a tiny set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.evaluation import GoldError, evaluate, load_gold
from services.evaluation.command import BAD_GOLD, DEFAULT_GOLD, main
from services.evaluation.gold import GoldEntity
from services.evaluation.metrics import score_amounts, score_dates, score_entities, score_topics
from services.evaluation.table import render

ECONOMY, POLITICS, SPORT = "economy, business and finance", "politics", "sport"
ORG = "organization"
GOLD_ENTITIES = [
    GoldEntity(name="Xiaomi", type="organization"),
    GoldEntity(name="Elon Musk", type="person"),
    GoldEntity(name="United States", type="place", aliases=["US"]),
    GoldEntity(name="Bank of Japan", type="organization", aliases=["BOJ"]),
]


def _item(**changes: Any) -> dict[str, Any]:
    """A valid gold item; ``changes`` replace top-level keys, and ``...`` removes one."""
    item: dict[str, Any] = {
        "id": "x1",
        "article": {
            "title": "Xiaomi Corp. shares rise 5% after Elon Musk praise",
            "body": "Xiaomi said on Tuesday it will invest $10 billion in the U.S. in the first half of 2024",
            "published_at": "2024-10-20T10:00:00Z",
        },
        "topics": [ECONOMY],
        "entities": [{"name": "Xiaomi", "type": "organization"}, {"name": "United States", "type": "place"}],
        "money": [{"text": "$10 billion", "value": 1e10, "currency": "USD"}],
        "percentages": [{"text": "5%", "value": 5}],
        "dates": [{"text": "Tuesday"}, {"text": "the first half of 2024"}],
    }
    return {k: v for k, v in (item | changes).items() if v is not ...}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_perfect_entities_score_one() -> None:
    """Every gold entity predicted, once, under its name or an alias, in any case: P = R = 1."""
    predicted = [("xiaomi", ORG), ("Elon Musk", "person"), ("US", "place"), ("BOJ", ORG)]
    total = score_entities(GOLD_ENTITIES, predicted).total
    assert (total.precision, total.recall, total.f1) == (1.0, 1.0, 1.0)


def test_half_right_entities_score_half() -> None:
    """Two of four found plus two wrong: precision and recall are both one half, errors listed."""
    predicted = [("Xiaomi", ORG), ("Elon Musk", "person"), ("Paris", "place"), ("Tesla", ORG)]
    total = score_entities(GOLD_ENTITIES, predicted).total
    assert (total.precision, total.recall) == (0.5, 0.5)
    assert set(total.missed) == {"United States (place)", "Bank of Japan (organization)"}
    assert set(total.spurious) == {"paris (place)", "tesla (organization)"}


def test_no_entities_predicted_is_full_precision_zero_recall() -> None:
    """Predicting nothing is never wrong but finds nothing; nothing to find and nothing said is perfect."""
    total = score_entities(GOLD_ENTITIES, []).total
    assert (total.precision, total.recall, total.f1) == (1.0, 0.0, 0.0)
    assert score_entities([], []).total.f1 == 1.0


def test_wrong_type_is_a_miss_and_a_confusion() -> None:
    """The right name under the wrong type counts as both errors, and is reported as a confusion."""
    score = score_entities(GOLD_ENTITIES[:1], [("Xiaomi", "person")])
    assert (score.total.found, score.total.correct) == (0, 0)
    assert score.confusions == ("Xiaomi: organization predicted as person",)


def test_split_entity_counts_the_second_as_false_positive() -> None:
    """Two predictions resolving to one gold entity (name and alias) are one hit and one false positive."""
    total = score_entities(GOLD_ENTITIES[2:3], [("United States", "place"), ("US", "place")]).total
    assert (total.found, total.correct, total.predicted) == (1, 1, 2)


def test_amounts_match_on_value_and_currency() -> None:
    """Money needs the same currency and the value up to float rounding; duplicates count once."""
    gold = [(8.5e6, "USD"), (3.2e9, "EUR")]
    perfect = score_amounts(gold, [(8_500_000.000001, "USD"), (3.2e9, "EUR"), (3.2e9, "EUR")])
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    half = score_amounts(gold, [(8.5e6, "USD"), (3.2e9, "USD")])
    assert (half.precision, half.recall) == (0.5, 0.5)
    empty = score_amounts(gold, [])
    assert (empty.precision, empty.recall, empty.missed) == (1.0, 0.0, ("8.5e+06 USD", "3.2e+09 EUR"))


def test_dates_match_by_surface_either_way_one_to_one() -> None:
    """'Oct. 19' finds 'Tuesday, Oct. 19' and the reverse; one prediction cannot find two gold dates."""
    assert score_dates(["Tuesday, Oct. 19", "March"], ["oct. 19", "in March"]).recall == 1.0
    half = score_dates(["2024", "the first half of 2024"], ["the first half of 2024"])
    assert (half.recall, half.precision) == (0.5, 1.0)
    assert score_dates(["Tuesday"], []).recall == 0.0


def test_topic_accuracy_and_any_match() -> None:
    """First label must be equal for accuracy; any-match also accepts overlap either way."""
    assert score_topics([ECONOMY, POLITICS], [ECONOMY]) == score_topics([ECONOMY], [ECONOMY, SPORT])
    assert score_topics([ECONOMY], [ECONOMY]).first
    overlap = score_topics([ECONOMY, POLITICS], [POLITICS, SPORT])
    assert (overlap.first, overlap.any) == (False, True)
    in_top_three = score_topics([ECONOMY], [SPORT, POLITICS, ECONOMY])
    assert (in_top_three.first, in_top_three.any) == (False, True)
    assert not score_topics([ECONOMY], []).any


def test_gold_loader_reads_valid_lines_and_skips_blank_ones(tmp_path: Path) -> None:
    """A file of valid items, with blank lines between, loads in order."""
    path = _write(tmp_path, json.dumps(_item()), "", json.dumps(_item(id="x2")))
    assert [item.id for item in load_gold(path)] == ["x1", "x2"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "gold.jsonl:2: not valid JSON"),
        (
            json.dumps(_item() | {"entities": None}).replace('"entities": null, ', ""),
            ":2: entities: Field required",
        ),
        (json.dumps(_item(entities=[{"name": "Xiaomi", "type": "company"}])), ":2: entities.0.type: Input"),
        (json.dumps(_item(topics=["finance"])), "gold.jsonl:2: topics: Value error, unknown IPTC label"),
        (json.dumps(_item(dates=[{"text": "Friday"}])), "'Friday' does not occur"),
        (json.dumps(_item(entites=[])), "gold.jsonl:2: entites: Extra inputs are not permitted"),
        (json.dumps(_item()), "gold.jsonl:2: duplicate id 'x1' (first on line 1)"),
        ("[1, 2]", "gold.jsonl:2: expected a JSON object, got list"),
    ],
)
def test_gold_loader_names_the_bad_line(tmp_path: Path, line: str, message: str) -> None:
    """A bad second line fails with the file, the line number and what is wrong."""
    path = _write(tmp_path, json.dumps(_item()), line)
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    assert message in str(caught.value)


def test_empty_or_missing_gold_file_is_an_error(tmp_path: Path) -> None:
    """Scoring nothing would report perfect figures, so an empty file is refused."""
    with pytest.raises(GoldError, match="no items"):
        load_gold(_write(tmp_path, ""))
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path / "absent.jsonl")


def test_shipped_gold_files_load() -> None:
    """Every shipped set is valid and ids are unique across sets; dev, test and the blind hold-out
    each cover every primary topic."""
    sets = {path.name: load_gold(path) for path in DEFAULT_GOLD}
    ids = [i.id for items in sets.values() for i in items]
    assert len(ids) == len(set(ids)) >= 250
    topics = [{i.topics[0] for i in sets[name]} for name in ("dev.jsonl", "test.jsonl", "holdout.jsonl")]
    assert topics[0] == topics[1] == topics[2]
    assert len(topics[0]) == 17


def test_tiny_gold_file_evaluates_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two articles go through every stage and come back scored, timed, renderable and JSON-ready."""
    article = {
        "title": "Spain beat England",
        "body": "Spain won in Berlin on Sunday.",
        "published_at": "2024-07-15",
    }
    spain = [{"name": "Spain", "type": "place"}]
    second = _item(id="x2", article=article, topics=[SPORT], entities=spain, money=[], percentages=[])
    second["dates"] = [{"text": "Sunday"}]
    path = _write(tmp_path, json.dumps(_item()), json.dumps(second))

    report = evaluate(path)

    assert [a.id for a in report.articles] == ["x1", "x2"]
    assert all(0.0 <= value <= 1.0 for value in report.figures().values())
    assert set(report.timings()) == {"clean", "classify", "enrich", "pipeline"}
    assert len(report.targets()) == 8
    summary = json.loads(json.dumps(report.to_dict(details=True)))
    assert [a["id"] for a in summary["per_article"]] == ["x1", "x2"]
    assert "topics.accuracy" in render(report, details=True)
    assert main(["--gold", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reports"][0]["articles"] == 2


def test_command_exits_nonzero_on_a_bad_gold_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Missed targets are a measurement (exit 0); an unusable gold file is an error (exit 2)."""
    assert main(["--gold", str(_write(tmp_path, "{oops"))]) == BAD_GOLD
    assert "gold.jsonl:1: not valid JSON" in capsys.readouterr().err
