"""Train the names model (data/names_model.json) from the development gold sets.

``python -m services.evaluation.nametraining`` — each dev article goes through ingest and clean as
the pipeline runs them, the rules claim their spans, and every candidate left over (names.candidates)
is labelled from the gold entities: its type when its surface is a gold name or alias, 'person' when it is the
surname of a gold person, 'none' otherwise. Test and hold-out sets are never read here.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

from services.common.envelope import read_as
from services.common.events.facts import ArticleCleanedV1, CleanArticle
from services.common.linear import Features, accuracy, train
from services.enrich import names
from services.enrich.entities import rule_mentions
from services.evaluation.gold import GoldItem, load_gold
from services.stages import run_inline

#: The sets the models learn from: development sets only (eval/README.md says what each is).
DEV_SETS = ("dev.jsonl", "dev2.jsonl", "dev3_money.jsonl", "general_dev.jsonl")
GOLD_DIR = Path(__file__).resolve().parent / "gold"


def dev_items() -> list[GoldItem]:
    """Every article of the development sets."""
    return [item for name in DEV_SETS for item in load_gold(GOLD_DIR / name)]


def cleaned(item: GoldItem) -> CleanArticle:
    """The article as enrich sees it: through ingest and clean."""
    run = run_inline(json.dumps(item.article.model_dump(exclude_none=True)).encode())
    event = next(e for e in run.events if e.type == "article.cleaned")
    return read_as(event, ArticleCleanedV1).article


def samples(item: GoldItem) -> list[tuple[Features, str]]:
    """The candidates of one article (left over by the rules, and all runs), each with its gold label."""
    article = cleaned(item)
    gold: dict[str, str] = {}
    for entity in item.entities:
        for name in entity.accepted_names():
            gold[name] = entity.type
    surnames = {e.name.split()[-1].casefold() for e in item.entities if e.type == "person" and " " in e.name}
    _, taken = rule_mentions(article.title, article.text)
    leftover = list(names.candidates(article.text, taken[True]))
    spans = {(c.start, c.end) for c in leftover}
    # Every run of the text too, claimed or not: far more examples of what names look like.
    every = [
        c
        for c in names.candidates(article.text, bytearray(len(article.text)))
        if (c.start, c.end) not in spans
    ]
    found = []
    for candidate in leftover + every:
        key = candidate.surface.casefold()
        label = gold.get(key) or ("person" if key in surnames else "none")
        found.append((names.features(article.text, candidate), label))
    return found


def main(argv: list[str]) -> None:
    data = [s for item in dev_items() for s in samples(item)]
    model = train(data, names.LABELS, epochs=25, rate=0.1, l2=1e-4, min_count=2)
    about = {
        **model.about,
        "trained_on": list(DEV_SETS),
        "command": "python -m services.evaluation.nametraining",
    }
    model = type(model)(model.labels, model.weights, model.bias, about)
    out = (
        Path(argv[0])
        if argv
        else Path(str(resources.files("services.enrich").joinpath("data", names.MODEL_FILE)))
    )
    model.save(out)
    counts = {label: sum(1 for _, g in data if g == label) for label in names.LABELS}
    print(f"{len(data)} candidates {counts}; training accuracy {accuracy(model, data):.3f}; wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
