"""The topic lexicon: IPTC Media Topic codes, and words and phrases that point to them."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

#: Lexicon file, shipped as package data next to this module.
LEXICON_FILE = "data/iptc_lexicon.tsv"

# Words are runs of letters and digits; an inner apostrophe keeps "don't" whole.
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def stem(token: str) -> str:
    """Fold a lower-case token's plural and possessive endings: 'elections' -> 'election'.

    Deliberately crude: terms and text go through the same function, so a wrong stem
    ('species' -> 'specy') still matches itself; only collisions would matter.
    """
    if token.endswith(("'s", "\u2019s")):
        token = token[:-2]
    if len(token) <= 3 or not token.endswith("s") or token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("shes", "ches", "xes", "zes")):
        return token[:-2]
    return token[:-1]


def tokens(text: str) -> list[str]:
    """Lower-case, stemmed word tokens of ``text``."""
    return [stem(token) for token in _TOKEN.findall(text.lower())]


class Lexicon:
    """Stemmed terms mapped to ``(topic code, weight)`` pairs, and each term as the lexicon writes it."""

    def __init__(
        self,
        terms: dict[tuple[str, ...], list[tuple[str, float]]],
        names: dict[tuple[str, ...], str] | None = None,
    ) -> None:
        self.terms = terms
        self.longest = max((len(term) for term in terms), default=1)
        # Evidence quotes the lexicon's own words: the stem of 'news' is 'new'.
        self.names = {term: (names or {}).get(term) or " ".join(term) for term in terms}

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        """Read the TSV format described in ``data/README.md``; unknown codes are errors."""
        weights: dict[tuple[str, ...], dict[str, float]] = {}
        names: dict[tuple[str, ...], str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            code, term, weight = line.split("\t")
            if code not in TOPICS:
                raise ValueError(f"{LEXICON_FILE}:{number}: unknown topic code {code!r}")
            key = tuple(tokens(term))
            if not key:
                raise ValueError(f"{LEXICON_FILE}:{number}: term {term!r} has no words")
            # 'olympic' and 'olympics' stem alike: a term counts once per topic, at its highest weight.
            per_topic = weights.setdefault(key, {})
            per_topic[code] = max(float(weight), per_topic.get(code, 0.0))
            names.setdefault(key, term.strip())
        return cls({key: list(per_topic.items()) for key, per_topic in weights.items()}, names)


@cache
def lexicon() -> Lexicon:
    """The packaged lexicon, read once per process."""
    return Lexicon.parse(files("services.classify").joinpath(LEXICON_FILE).read_text(encoding="utf-8"))


#: IPTC Media Topics, top level: code -> label (https://cv.iptc.org/newscodes/mediatopic/).
TOPICS: dict[str, str] = {
    "medtop:01000000": "arts, culture, entertainment and media",
    "medtop:02000000": "crime, law and justice",
    "medtop:03000000": "disaster, accident and emergency incident",
    "medtop:04000000": "economy, business and finance",
    "medtop:05000000": "education",
    "medtop:06000000": "environment",
    "medtop:07000000": "health",
    "medtop:08000000": "human interest",
    "medtop:09000000": "labour",
    "medtop:10000000": "lifestyle and leisure",
    "medtop:11000000": "politics",
    "medtop:12000000": "religion",
    "medtop:13000000": "science and technology",
    "medtop:14000000": "society",
    "medtop:15000000": "sport",
    "medtop:16000000": "conflict, war and peace",
    "medtop:17000000": "weather",
}
