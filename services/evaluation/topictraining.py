"""Train the topic model (services/classify/data/topic_model.json).

``python -m services.evaluation.topictraining [OUT]`` learns from the development gold sets (each
article through ingest and clean as the pipeline runs them, labelled with its gold primary topic) and
the hand-written examples in services/classify/data/topic_examples.tsv. Test and hold-out sets are
never read. ``--check`` trains without one dev set at a time and scores the model and the lexicon
alone on the set left out: how the model does on articles it has not seen.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from services.classify import topicmodel
from services.classify.lexicon import TOPICS
from services.classify.logic import ranked, topic_evidence, weighted
from services.common.events.facts import CleanArticle
from services.common.linear import Features, LinearModel, accuracy, train
from services.evaluation.gold import load_gold
from services.evaluation.nametraining import DEV_SETS, GOLD_DIR, cleaned

_CODES = {label: code for code, label in TOPICS.items()}
Labelled = tuple[CleanArticle, str]


def examples() -> list[Labelled]:
    """The hand-written examples: 'primary topic TAB Headline. Lede.' per line."""
    text = resources.files("services.classify").joinpath("data", topicmodel.EXAMPLES_FILE).read_text("utf-8")
    found = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            label, item = line.split("\t")
            title, _, lede = item.partition(". ")
            found.append((_article(title, lede), _CODES[label]))
    return found


def _article(title: str, text: str) -> CleanArticle:
    return CleanArticle(
        article_id="example", title=title, text=text, language="en", language_confidence=1.0,
        word_count=len(text.split()), url=None, source=None, published_at=None, extractor="plain",
    )  # fmt: skip


def _lexicon_first(article: CleanArticle) -> str | None:
    scored = ranked(weighted(topic_evidence(article)))
    return scored[0][1] if scored else None


def sample(item: Labelled) -> tuple[Features, str]:
    """The model's features of one labelled article."""
    article, code = item
    return topicmodel.features(article, weighted(topic_evidence(article))), code


def fit(items: list[Labelled]) -> LinearModel:
    """A topic model trained on ``items``."""
    return train([sample(i) for i in items], tuple(TOPICS), epochs=40, rate=0.1, l2=3e-3, min_count=2)


def main(argv: list[str]) -> None:
    sets = {
        name: [(cleaned(i), _CODES[i.topics[0]]) for i in load_gold(GOLD_DIR / name)] for name in DEV_SETS
    }
    written = examples()
    if argv[:1] == ["--check"]:
        for left_out, items in sets.items():
            rest = [i for name, other in sets.items() if name != left_out for i in other] + written
            lexicon = sum(_lexicon_first(a) == code for a, code in items) / len(items)
            learned = accuracy(fit(rest), map(sample, items))
            print(
                f"without {left_out}: model {learned:.3f}, lexicon alone {lexicon:.3f} ({len(items)} items)"
            )
        return
    items = [i for group in sets.values() for i in group] + written
    model = fit(items)
    trained_on = [*DEV_SETS, topicmodel.EXAMPLES_FILE]
    about = {
        **model.about,
        "trained_on": trained_on,
        "command": "python -m services.evaluation.topictraining",
    }
    model = LinearModel(model.labels, model.weights, model.bias, about)
    default = resources.files("services.classify").joinpath("data", topicmodel.MODEL_FILE)
    out = Path(argv[0]) if argv else Path(str(default))
    model.save(out)
    print(f"{len(items)} items; training accuracy {accuracy(model, map(sample, items)):.3f}; wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
