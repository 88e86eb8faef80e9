"""The classify stage's logic: a cleaned article in, its IPTC Media Topics and their evidence out."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from services.classify import topicmodel
from services.classify.cues import CUES, cues_in
from services.classify.lexicon import TOPICS, Lexicon, lexicon, tokens
from services.common.events.facts import CleanArticle, TopicV2

#: Weight of a term by where it stands. News is written as an inverted pyramid: the headline
#: says what the story is about, the first paragraph (the lede) restates it, and later
#: paragraphs bring context, background and reactions, where other topics come up in passing.
TITLE_WEIGHT = 2.0
LEDE_WEIGHT = 1.5
#: Weight of the second paragraph; each later one counts ``BODY_DECAY`` less, down to ``BODY_FLOOR``.
BODY_WEIGHT = 1.0
BODY_DECAY = 0.1
BODY_FLOOR = 0.5
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
    """What an article showed: weighted evidence per topic, and per lexicon term within it."""

    amounts: dict[str, float] = field(default_factory=dict)
    named: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, code: str, name: str, amount: float) -> None:
        """Count ``amount`` of evidence for topic ``code``, from the lexicon term called ``name``."""
        self.amounts[code] = self.amounts.get(code, 0.0) + amount
        per_name = self.named.setdefault(code, {})
        per_name[name] = per_name.get(name, 0.0) + amount

    def add_cue(self, code: str, amount: float) -> None:
        """Strengthen topic ``code`` by ``amount`` for a structural cue, if the lexicon found it at all.

        A cue says how a story is told, not what it is about, so it never makes a topic on
        its own; and it is not a lexicon term, so it is not shown as evidence.
        """
        if code in self.amounts:
            self.amounts[code] += amount

    def add_term(self, term: tuple[str, ...], factors: list[float], lex: Lexicon) -> None:
        """Add the evidence of ``term``, found at places weighing ``factors``, to each of its topics."""
        # Logarithmic in repetitions: the tenth "EV" says less than a first "shareholder". The
        # best-placed mention counts in full, the n-th adds log(n / (n - 1)) of its own weight,
        # so n mentions in equal places make 1 + log(n).
        ranked = sorted(factors, reverse=True)
        repeat = ranked[0] + sum(f * math.log(n / (n - 1)) for n, f in enumerate(ranked[1:], start=2))
        for code, weight in lex.terms[term]:
            self.add(code, lex.names[term], weight * repeat)

    def strongest(self, code: str) -> list[str]:
        """The terms that gave ``code`` most evidence, as the lexicon writes them; ties in reading order."""
        per_name = self.named.get(code, {})
        return sorted(per_name, key=lambda name: -per_name[name])[:MAX_EVIDENCE]


def zones(article: CleanArticle) -> list[tuple[float, str]]:
    """The article's title and paragraphs, each with the weight its position gives."""
    placed = [(TITLE_WEIGHT, article.title)]
    # A headline-only article has its title as text too; counting it twice would add nothing.
    if article.text == article.title:
        return placed
    body = [paragraph for paragraph in article.text.split("\n\n") if paragraph.strip()]
    for index, paragraph in enumerate(body):
        if index == 0:
            placed.append((LEDE_WEIGHT, paragraph))
        else:
            placed.append((max(BODY_FLOOR, BODY_WEIGHT - BODY_DECAY * (index - 1)), paragraph))
    return placed


def topic_evidence(article: CleanArticle) -> Evidence:
    """Evidence per topic code: lexicon terms weighted by where they stand, and structural cues."""
    lex = lexicon()
    where: dict[tuple[str, ...], list[float]] = {}
    for factor, text in zones(article):
        for term, count in match_terms(tokens(text), lex).items():
            where.setdefault(term, []).extend([factor] * count)
    evidence = Evidence()
    for term, factors in where.items():
        evidence.add_term(term, factors, lex)
    for name in cues_in(article.title, article.text):
        evidence.add_cue(CUES[name].code, CUES[name].weight)
    return evidence


def weighted(evidence: Evidence) -> dict[str, float]:
    """Evidence per topic code, scaled by the topic's prior."""
    return {code: amount * TOPIC_PRIOR.get(code, 1.0) for code, amount in evidence.amounts.items()}


def classify(article: CleanArticle) -> list[TopicV2]:
    """Top-level IPTC Media Topics of ``article``, best first, each with its evidence; empty when none.

    A score is the topic's share of all evidence, damped by how much evidence there is,
    so one weak word in a long text cannot make a confident topic. When the lexicon finds any
    topic, the learned model (topicmodel.py) chooses the first, from the evidence and the words; the
    lexicon's order gives the others. Text confidently in a
    language other than English gets no topics (see ``LEXICON_LANGUAGES``).
    """
    if article.language not in LEXICON_LANGUAGES and article.language_confidence >= OTHER_LANGUAGE_CONFIDENCE:
        return []
    evidence = topic_evidence(article)
    amounts = weighted(evidence)
    scored = ranked(amounts)
    if scored:
        scored = _promoted(scored, *topicmodel.primary(article, amounts))
    return [
        TopicV2(code=code, label=TOPICS[code], score=score, evidence=evidence.strongest(code))
        for score, code in scored[:MAX_TOPICS]
    ]


def ranked(amounts: dict[str, float]) -> list[tuple[float, str]]:
    """(score, code) of the topics the lexicon's evidence supports, best first."""
    total = sum(amounts.values())
    scored = []
    for code, amount in amounts.items():
        if amount < MIN_EVIDENCE:
            continue
        score = (amount / total) * (amount / (amount + HALF_EVIDENCE))
        if score >= MIN_SCORE:
            scored.append((round(score, 4), code))
    return sorted(scored, key=lambda pair: (-pair[0], pair[1]))


def _promoted(scored: list[tuple[float, str]], code: str, probability: float) -> list[tuple[float, str]]:
    """The learned primary topic first, scored no lower than the lexicon's best; the rest in order."""
    rest = [pair for pair in scored if pair[1] != code]
    return [(max(round(probability, 4), scored[0][0]), code), *rest]


#: Topics that most stories touch in passing get their evidence scaled down. A law on any
#: subject is passed by a parliament and a company appears in most stories with a price in
#: them; those words say where a story happened, less often what it is about.
TOPIC_PRIOR: dict[str, float] = {
    "medtop:04000000": 0.9,  # economy, business and finance
    "medtop:11000000": 0.8,  # politics
}
