"""The index stage's pure logic: lede, key phrases, and the search document."""

from __future__ import annotations

from services.common.events.facts import (
    ArticleEnrichedV2,
    CleanArticle,
    EntityType,
    EntityV2,
    Tone,
    Topic,
)
from services.index.keyphrases import key_phrases, stopwords
from services.index.logic import build_document
from services.index.sentences import lede, split_sentences

TEXT = (
    "Xiaomi Corp. is gearing up to sell its own electric cars, and the schedule for mass production "
    "was earlier than expected. The Chinese smartphone maker will start mass production in 2024.\n\n"
    "According to Reuters, the electric car business will get $10 billion over ten years. "
    "Xiaomi founder Lei Jun leads the electric car business, which plans mass production in Beijing.\n\n"
    "Analysts said mass production of electric cars is a crowded field in China."
)


def _entity(eid: str, name: str, kind: EntityType, mentions: int, offset: int) -> EntityV2:
    return EntityV2(
        id=eid, name=name, type=kind, mentions=mentions, surface_forms=[name], first_offset=offset
    )


def _enriched(text: str = TEXT, language: str = "en") -> ArticleEnrichedV2:
    article = CleanArticle(
        article_id="a1",
        title="Xiaomi to start electric car mass production",
        text=text,
        language=language,
        language_confidence=0.99,
        word_count=len(text.split()),
        url="https://example.com/x",
        source="Example",
        published_at="2021-10-19T00:00:00Z",
        extractor="plain",
    )
    return ArticleEnrichedV2(
        article=article,
        topics=[
            Topic(code="medtop:13000000", label="science and technology", score=0.4),
            Topic(code="medtop:04000000", label="economy, business and finance", score=0.9),
        ],
        entities=[
            _entity("place:CN", "China", "place", 1, 400),
            _entity("org:xiaomi", "Xiaomi", "organization", 3, 0),
            _entity("person:lei-jun", "Lei Jun", "person", 1, 250),
        ],
        money=[],
        percentages=[],
        dates=[],
        tone=Tone(score=0.1, positive=0.1, negative=0.0, neutral=0.9, method="test"),
    )


def test_lede_is_first_two_sentences_when_they_fit() -> None:
    """The lede is the opening two sentences when together they stay within 300 characters."""
    assert lede("One thing happened. Then another. And a third.") == "One thing happened. Then another."


def test_lede_keeps_one_sentence_when_two_are_too_long() -> None:
    """A second sentence that would pass the limit is left out."""
    first = "A" + "b" * 200 + "."
    assert lede(f"{first} {'C' + 'd' * 150}.") == first


def test_lede_of_one_overlong_sentence_is_cut_at_a_word() -> None:
    """A first sentence longer than the limit is cut at a word boundary and marked."""
    result = lede("word " * 100)
    assert len(result) <= 300
    assert result.endswith("word…")


def test_abbreviations_do_not_end_sentences() -> None:
    """'Corp.', 'U.S.', 'Oct.' and titles like 'Dr.' stay inside their sentence."""
    text = "Xiaomi Corp. sold cars in the U.S. Treasury's view on Oct. 19 as Dr. Lee said. Then it stopped."
    assert split_sentences(text) == [
        "Xiaomi Corp. sold cars in the U.S. Treasury's view on Oct. 19 as Dr. Lee said.",
        "Then it stopped.",
    ]


def test_abbreviation_before_a_sentence_starter_ends_the_sentence() -> None:
    """'... Xiaomi Corp. The company ...' is two sentences: 'The' starts a new one."""
    assert split_sentences("He joined Xiaomi Corp. The company grew.") == [
        "He joined Xiaomi Corp.",
        "The company grew.",
    ]


def test_blank_line_ends_a_sentence() -> None:
    """A paragraph break ends a sentence even without final punctuation."""
    assert split_sentences("BEIJING (Reuters)\n\nShares rose.") == ["BEIJING (Reuters)", "Shares rose."]


def test_key_phrases_prefer_repeated_phrases() -> None:
    """Phrases the article repeats rank first; stopwords never start or end one."""
    phrases = key_phrases("Xiaomi to start electric car mass production", TEXT)
    assert phrases[:2] == ["mass production", "electric car business"]
    assert all(p.split()[0].lower() not in stopwords() for p in phrases)


def test_key_phrases_are_boosted_by_entities() -> None:
    """A phrase naming an entity the enrich stage found outranks an equal phrase that does not."""
    text = "Alpha Beta, Gamma Delta. Gamma Delta, Alpha Beta."
    assert key_phrases("", text)[0] == "Alpha Beta"
    assert key_phrases("", text, ["Gamma Delta"])[0] == "Gamma Delta"


def test_key_phrases_skip_numbers_and_sub_phrases() -> None:
    """Numbers split phrases, and a phrase inside a better one is not repeated."""
    phrases = key_phrases("", "Electric vehicle sales: 300. Electric vehicle sales, 12 units. Vehicle sales.")
    assert phrases == ["Electric vehicle sales", "units"]


def test_long_runs_count_the_known_phrases_inside_them() -> None:
    """A headline without stopwords is no phrase itself, but the phrases it contains still count."""
    title = "Oil Prices Slip Amid Iran Talks"
    text = "Oil prices. Oil prices again. Central bank policy."
    assert key_phrases(title, text)[0] == "Oil prices"
    assert "Iran" not in key_phrases(title, text)
    assert "Iran" in key_phrases(title, text, ["Iran"])


def test_key_phrases_are_at_most_eight() -> None:
    """At most eight phrases are returned however long the text."""
    text = " ".join(f"Topic{i} alpha{i} is here." for i in range(40))
    assert len(key_phrases("", text)) == 8


def test_document_orders_topics_and_entities_best_first() -> None:
    """Topics go by score and entities by mentions, both as labels and canonical names."""
    doc = build_document(_enriched())
    assert doc.topics == ["economy, business and finance", "science and technology"]
    assert doc.entities == ["Xiaomi", "Lei Jun", "China"]


def test_document_copies_article_fields() -> None:
    """Identity and metadata fields are carried over unchanged."""
    enriched = _enriched()
    doc = build_document(enriched)
    article = enriched.article
    assert (doc.article_id, doc.title, doc.text, doc.url, doc.source) == (
        article.article_id,
        article.title,
        article.text,
        article.url,
        article.source,
    )
    assert (doc.published_at, doc.language, doc.word_count) == (
        article.published_at,
        "en",
        article.word_count,
    )
    assert doc.lede.startswith("Xiaomi Corp. is gearing up")
    assert any("Xiaomi" in phrase for phrase in doc.key_phrases)


def test_document_of_other_language_uses_entity_names_as_key_phrases() -> None:
    """Without a stopword list for the language, the entity names are the key phrases."""
    doc = build_document(_enriched(text="Xiaomi va produire des voitures.", language="fr"))
    assert doc.key_phrases == ["Xiaomi", "Lei Jun", "China"]


def test_document_of_empty_text_has_empty_lede() -> None:
    """An article without text still gets a document, with an empty lede."""
    doc = build_document(_enriched(text=""))
    assert doc.lede == ""
