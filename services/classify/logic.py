"""The classify stage's logic: a cleaned article in, its IPTC Media Topics out."""

from __future__ import annotations

import math
from collections import Counter

from services.classify.lexicon import TOPICS, Lexicon, lexicon, tokens
from services.common.events.facts import CleanArticle, Topic

#: A headline says what the story is about more surely than any sentence of the body.
TITLE_WEIGHT = 2.0
#: Evidence at which a topic's confidence reaches one half; below it, a score stays low.
HALF_EVIDENCE = 3.0
#: Least evidence (sum of weights) for a topic to be reported at all.
MIN_EVIDENCE = 2.0
#: Least score for a topic to be reported.
MIN_SCORE = 0.1
#: Most topics reported for one article.
MAX_TOPICS = 3
#: Languages the lexicon is written for; 'und' because short English headlines often come out so.
LEXICON_LANGUAGES = frozenset({"en", "und"})
#: Text confidently in another language gets no topics: German "war" (was) would read as English.
#: Below this confidence the language guess on a short headline is too shaky to act on.
OTHER_LANGUAGE_CONFIDENCE = 0.5


def match_terms(words: list[str], lex: Lexicon) -> Counter[tuple[str, ...]]:
    """Count lexicon terms in ``words``, taking the longest phrase at each position."""
    found: Counter[tuple[str, ...]] = Counter()
    i = 0
    while i < len(words):
        for n in range(min(lex.longest, len(words) - i), 0, -1):
            term = tuple(words[i : i + n])
            if term in lex.terms:
                found[term] += 1
                i += n
                break
        else:
            i += 1
    return found


def _evidence(found: Counter[tuple[str, ...]], lex: Lexicon, factor: float, into: dict[str, float]) -> None:
    """Add each topic's weighted evidence from ``found`` to ``into``."""
    for term, count in found.items():
        # Logarithmic in repetitions: the tenth "EV" says less than a first "shareholder".
        repeat = 1.0 + math.log(count)
        for code, weight in lex.terms[term]:
            into[code] = into.get(code, 0.0) + weight * repeat * factor


def topic_evidence(article: CleanArticle) -> dict[str, float]:
    """Evidence per topic code: summed weights of the lexicon terms in title and text."""
    lex = lexicon()
    evidence: dict[str, float] = {}
    _evidence(match_terms(tokens(article.title), lex), lex, TITLE_WEIGHT, evidence)
    # A headline-only article has its title as text too; counting it twice would add nothing.
    if article.text != article.title:
        _evidence(match_terms(tokens(article.text), lex), lex, 1.0, evidence)
    return evidence


def classify(article: CleanArticle) -> list[Topic]:
    """Top-level IPTC Media Topics of ``article``, best first; empty when nothing matched.

    A score is the topic's share of all evidence, damped by how much evidence there is,
    so one weak word in a long text cannot make a confident topic. Text confidently in a
    language other than English gets no topics (see ``LEXICON_LANGUAGES``).
    """
    if article.language not in LEXICON_LANGUAGES and article.language_confidence >= OTHER_LANGUAGE_CONFIDENCE:
        return []
    evidence = topic_evidence(article)
    total = sum(evidence.values())
    topics = []
    for code, amount in evidence.items():
        if amount < MIN_EVIDENCE:
            continue
        score = (amount / total) * (amount / (amount + HALF_EVIDENCE))
        if score >= MIN_SCORE:
            topics.append(Topic(code=code, label=TOPICS[code], score=round(score, 4)))
    topics.sort(key=lambda topic: (-topic.score, topic.code))
    return topics[:MAX_TOPICS]
