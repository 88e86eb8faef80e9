"""The index stage's MinHash signature: rewrites estimate close, unrelated texts far, always the same."""

from __future__ import annotations

import copy

from services.common.envelope import Envelope, read_as, schema_urn
from services.common.events import CURRENT
from services.common.events.facts import ArticleIndexedV1, ArticleIndexedV2, SearchDocument
from services.common.events.upcasters import indexed_v1_to_v2
from services.index.signature import MIN_WORDS, NUM_PERM, shingles, signature
from services.projector.stories import THRESHOLD, estimate
from tests.unit.story_pairs import CHIPS, CHIPS_REWRITE, ECB, QUAKE


def test_a_signature_has_one_value_per_permutation_and_is_deterministic() -> None:
    """The same text gives the same 64 values in every call (seed and scheme are pinned)."""
    first = signature(ECB)
    assert len(first) == NUM_PERM
    assert signature(ECB) == first
    assert all(0 <= v < 2**32 for v in first)


def test_case_punctuation_and_spacing_do_not_change_the_signature() -> None:
    """Shingles are words after casefolding and NFKC, so typography alone never separates copies."""
    assert signature(ECB.upper().replace(",", " ,").replace("\n\n", "\n")) == signature(ECB)


def test_a_lightly_edited_rewrite_estimates_above_the_threshold() -> None:
    """Wire copy with a few words changed keeps most shingles: high estimated Jaccard."""
    assert estimate(signature(CHIPS), signature(CHIPS_REWRITE)) >= 0.7


def test_unrelated_articles_estimate_near_zero() -> None:
    """Different stories share almost no 5-word runs."""
    assert estimate(signature(ECB), signature(QUAKE)) < 0.1
    assert estimate(signature(ECB), signature(CHIPS)) < THRESHOLD


def test_short_texts_get_no_signature() -> None:
    """Under MIN_WORDS words there is too little text to call two articles one story."""
    assert signature(" ".join(["word"] * (MIN_WORDS - 1))) == []
    assert signature("") == []
    assert len(signature(" ".join(f"w{i}" for i in range(MIN_WORDS)))) == NUM_PERM


def test_shingles_are_five_word_runs() -> None:
    """A text of n words has n - 4 shingles when none repeats."""
    assert len(shingles("one two three four five six seven")) == 3


def test_an_empty_signature_estimates_zero() -> None:
    """Articles without a signature (short, or indexed before v2) are never similar to anything."""
    assert estimate([], []) == 0.0
    assert estimate(signature(ECB), []) == 0.0


def _document() -> SearchDocument:
    return SearchDocument(
        article_id="a1", title="T", lede="L", text="Some text.", key_phrases=["k"], topics=["t"],
        entities=["e"], source=None, url=None, published_at=None, language="en", word_count=2,
    )  # fmt: skip


def test_v1_indexed_reads_as_v2_with_an_empty_minhash() -> None:
    """An article.indexed v1 from an old log is read as v2, document intact, no signature: never clustered."""
    assert CURRENT["article.indexed"] == 2
    v1 = ArticleIndexedV1(document=_document())
    event = Envelope(
        id="e1", source="newsfacts/index", type="article.indexed", subject="a1",
        time="2024-05-01T09:00:00.000Z", dataschema=schema_urn("article.indexed", 1), correlationid="c1",
        stageversion="index/1.0.0",
        data=v1.model_dump(mode="json"),
    )  # fmt: skip
    before = copy.deepcopy(event.data)
    document = read_as(event, ArticleIndexedV2).document
    assert document.minhash == []
    assert document.model_dump(exclude={"minhash"}) == v1.document.model_dump()
    assert event.data == before, "the logged data is not edited"
    assert indexed_v1_to_v2(before)["document"]["minhash"] == []
