"""The index stage's pure logic: an enriched article becomes the document the search model indexes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.common.events.facts import ArticleEnrichedV2, Entity, SearchDocumentV2
from services.index.keyphrases import key_phrases
from services.index.sentences import lede
from services.index.signature import signature

#: Languages the stopword list is for; 'und' (undetermined) is treated as English.
RAKE_LANGUAGES = frozenset({"en", "und"})
MAX_KEY_PHRASES = 8
LEDE_LIMIT = 300


def build_document(enriched: ArticleEnrichedV2) -> SearchDocumentV2:
    """The search document of an article: lede, key phrases, topics and entities, best first, and the
    MinHash signature of its text."""
    article = enriched.article
    entities = _by_mentions(enriched.entities)
    names = _distinct(e.name for e in entities)
    if article.language in RAKE_LANGUAGES:
        forms = [*names, *(form for e in entities for form in e.surface_forms)]
        phrases = key_phrases(article.title, article.text, forms, limit=MAX_KEY_PHRASES)
    else:
        phrases = names[:MAX_KEY_PHRASES]  # no stopword list for this language: entities are the best cue
    topics = sorted(enriched.topics, key=lambda t: -t.score)  # stable: ties keep the classifier's order
    return SearchDocumentV2(
        article_id=article.article_id,
        title=article.title,
        lede=lede(article.text, LEDE_LIMIT),
        text=article.text,
        key_phrases=phrases,
        topics=_distinct(t.label for t in topics),
        entities=names,
        source=article.source,
        url=article.url,
        published_at=article.published_at,
        language=article.language,
        word_count=article.word_count,
        minhash=signature(article.text),
    )


def _by_mentions(entities: Sequence[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (-e.mentions, e.first_offset, e.name))


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
