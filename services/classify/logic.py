"""The classify stage's logic: a cleaned article in, its IPTC Media Topics and their evidence out."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from services.classify.lexicon import TOPICS, Lexicon, lexicon, tokens
from services.common.events.facts import CleanArticle, TopicV2

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
#: Most evidence terms reported per topic: enough to see why, few enough to read.
MAX_EVIDENCE = 5
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


@dataclass(slots=True)
class Evidence:
    """What the lexicon found in an article: weighted evidence per topic, and per term within it."""

    amounts: dict[str, float] = field(default_factory=dict)
    terms: dict[str, dict[tuple[str, ...], float]] = field(default_factory=dict)

    def add(self, found: Counter[tuple[str, ...]], lex: Lexicon, factor: float) -> None:
        """Add each topic's weighted evidence from the terms ``found``."""
        for term, count in found.items():
            # Logarithmic in repetitions: the tenth "EV" says less than a first "shareholder".
            repeat = 1.0 + math.log(count)
            for code, weight in lex.terms[term]:
                amount = weight * repeat * factor
                self.amounts[code] = self.amounts.get(code, 0.0) + amount
                per_term = self.terms.setdefault(code, {})
                per_term[term] = per_term.get(term, 0.0) + amount

    def strongest(self, code: str, lex: Lexicon) -> list[str]:
        """The terms that gave ``code`` most evidence, as the lexicon writes them; ties in reading order."""
        per_term = self.terms.get(code, {})
        ranked = sorted(per_term, key=lambda term: -per_term[term])
        return [lex.names[term] for term in ranked[:MAX_EVIDENCE]]


def topic_evidence(article: CleanArticle) -> Evidence:
    """Evidence per topic code: summed weights of the lexicon terms in title and text."""
    lex = lexicon()
    evidence = Evidence()
    evidence.add(match_terms(tokens(article.title), lex), lex, TITLE_WEIGHT)
    # A headline-only article has its title as text too; counting it twice would add nothing.
    if article.text != article.title:
        evidence.add(match_terms(tokens(article.text), lex), lex, 1.0)
    return evidence


def classify(article: CleanArticle) -> list[TopicV2]:
    """Top-level IPTC Media Topics of ``article``, best first, each with its evidence; empty when none.

    A score is the topic's share of all evidence, damped by how much evidence there is,
    so one weak word in a long text cannot make a confident topic. Text confidently in a
    language other than English gets no topics (see ``LEXICON_LANGUAGES``).
    """
    if article.language not in LEXICON_LANGUAGES and article.language_confidence >= OTHER_LANGUAGE_CONFIDENCE:
        return []
    evidence = topic_evidence(article)
    total = sum(evidence.amounts.values())
    scored = []
    for code, amount in evidence.amounts.items():
        if amount < MIN_EVIDENCE:
            continue
        score = (amount / total) * (amount / (amount + HALF_EVIDENCE))
        if score >= MIN_SCORE:
            scored.append((round(score, 4), code))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    lex = lexicon()
    return [
        TopicV2(code=code, label=TOPICS[code], score=score, evidence=evidence.strongest(code, lex))
        for score, code in scored[:MAX_TOPICS]
    ]
