"""The learned primary topic: trained on labelled text in the repository, never on held-out sets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from services.classify import topicmodel
from services.classify.lexicon import TOPICS
from services.classify.logic import classify, ranked, topic_evidence, weighted
from services.common.events.facts import CleanArticle
from services.evaluation.topictraining import examples

DATA = Path(topicmodel.__file__).parent / "data"


def _article(title: str, text: str) -> CleanArticle:
    return CleanArticle(
        article_id="a", title=title, text=text, language="en", language_confidence=0.99,
        word_count=len(text.split()), url=None, source=None, published_at=None, extractor="plain",
    )  # fmt: skip


def test_the_model_chooses_the_first_topic_and_the_lexicon_the_rest() -> None:
    """The first topic is the model's choice; the others keep the lexicon's order and their evidence."""
    article = _article(
        "Nurses strike over pay at city hospitals",
        "Thousands of nurses walked off the job on Monday, and the union said hospital wards were short.",
    )
    amounts = weighted(topic_evidence(article))
    code, _ = topicmodel.primary(article, amounts)
    topics = classify(article)
    assert topics[0].code == code
    lexicon_order = [c for _, c in ranked(amounts) if c != code]
    assert [t.code for t in topics[1:]] == lexicon_order[: len(topics) - 1]
    assert all(t.evidence for t in topics[1:])


def test_text_with_no_topic_evidence_gets_no_learned_guess() -> None:
    """The model only re-ranks: an article the lexicon finds nothing in still has no topics."""
    assert classify(_article("Xyzzy", "Plugh quux frobnicate.")) == []


def test_the_shipped_model_learned_from_dev_sets_and_examples_only() -> None:
    """No test or hold-out set is in the model's training data; every IPTC label can be chosen."""
    model = json.loads((DATA / topicmodel.MODEL_FILE).read_text(encoding="utf-8"))
    assert not any(
        word in name for name in model["about"]["trained_on"] for word in ("test", "holdout", "blind")
    )
    assert sorted(model["labels"]) == sorted(TOPICS)


def test_every_topic_has_written_examples() -> None:
    """The hand-written examples parse and cover all 17 top-level topics, at least ten each."""
    counts = Counter(code for _, code in examples())
    assert set(counts) == set(TOPICS) and min(counts.values()) >= 10
