"""The clean stage's logic: an ingested article in, its normalised main text and language out."""

from __future__ import annotations

import re

from services.clean.extract import Unextractable, extract_html, strip_markup
from services.clean.language import detect_language
from services.clean.normalise import count_words, normalise_line, normalise_paragraphs
from services.common.events.facts import CleanArticle
from services.common.events.intake import ArticleIngestedV1, RejectReason
from services.common.rejection import Rejection

#: Longest title made up from the text when the publisher sent none.
TITLE_CHARS = 120

# A sentence ends at . ! ? or … followed by space and, to skip "Corp. is", an upper-case letter.
_SENTENCE_END = re.compile("[.!?\u2026]['\"\u2019\u201d)]?\\s+")
# Words whose full stop is not the end of a sentence: initialisms (U.S., J.P.) and titles.
_INITIALISM = re.compile(r"(?:\b\w\.)+$")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "sen", "rep"})
_ABBREVIATIONS |= {"corp", "inc", "co", "ltd", "no", "vs", "jan", "feb", "aug", "sept", "oct", "nov", "dec"}


def _main_text(article: ArticleIngestedV1) -> tuple[str, str, str]:
    """Raw main text, page title and extractor name, from the HTML when given, else from the body."""
    if article.html and article.html.strip():
        page = extract_html(article.html)
        if page.text.strip() or not article.body:
            return page.text, page.title, page.extractor
    body, extractor = strip_markup(article.body or "")
    return body, "", extractor


def _ends_sentence(text: str, end: re.Match[str]) -> bool:
    """Whether the punctuation matched by ``end`` closes a sentence rather than an abbreviation."""
    following = text[end.end() : end.end() + 1]
    if not (following.isupper() or following in "\"'(\u201c\u2018"):
        return False
    before = text[: end.start() + 1]
    word = before.rsplit(" ", 1)[-1]
    return not (_INITIALISM.search(word) or word.rstrip(".").lower() in _ABBREVIATIONS)


def _first_sentence(text: str) -> str:
    """A title made from ``text``: its first line if short, else its first sentence, cut to fit."""
    first = text.split("\n\n", 1)[0]
    if len(first) > TITLE_CHARS:
        end = next((m for m in _SENTENCE_END.finditer(first) if _ends_sentence(first, m)), None)
        first = first[: end.end()].rstrip() if end else first
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[: TITLE_CHARS - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


def clean(article: ArticleIngestedV1) -> CleanArticle:
    """Extract and normalise the main text of ``article`` and identify its language.

    Raises ``Rejection(EMPTY_TEXT)`` when neither text nor title is left, or when the markup cannot
    be turned into text at all. A headline
    without a body is kept, with the headline as its text, so that search finds it.
    """
    try:
        raw, page_title, extractor = _main_text(article)
        title_text = strip_markup(article.title or "")[0]
    except Unextractable as exc:  # rejected once with the reason: no retry can help
        raise Rejection(
            RejectReason.EMPTY_TEXT, f"no text could be extracted from the markup: {exc}"
        ) from None
    paragraphs = normalise_paragraphs(raw)
    title = normalise_line(title_text) or normalise_line(page_title)
    if title and paragraphs and paragraphs[0].casefold() == title.casefold():
        # Extractors and CMS exports often repeat the headline as the first line.
        paragraphs = paragraphs[1:]
    text = "\n\n".join(paragraphs)
    title = title or _first_sentence(text)
    if not text:
        if not title:
            raise Rejection(RejectReason.EMPTY_TEXT, "no text and no title left after cleaning")
        text = title
    sample = text if text == title else f"{title}\n{text}"
    language, confidence = detect_language(sample, article.language)
    return CleanArticle(
        article_id=article.article_id,
        title=title,
        text=text,
        language=language,
        language_confidence=confidence,
        word_count=count_words(text),
        url=article.url,
        source=article.source,
        published_at=article.published_at,
        extractor=extractor,
    )
