"""Context rules over found mentions: names inside unannotated names, titles of works, home countries.

- A place or company that starts the name of an event, agreement or stock index ('Paris Agreement',
  'the Paris climate agreement', 'U.S. Open', 'Nikkei 225', 'Nasdaq Composite') is not a mention.
- A name that is the whole of a quoted title ("The Tortured Poets Department") is a creative work.
- A short name bound to a country ('Congress', 'Senate' for the United States) stands only in an
  article that is not about another country: in a Thai story 'the Senate' is Thailand's.
"""

from __future__ import annotations

import re
from collections import Counter

from services.enrich import vocabulary as v
from services.enrich.gazetteer import Known, slug
from services.enrich.mention import Mention
from services.enrich.tokens import WORD

# Legal suffixes keep the company it names ('Xiaomi Corp.'); other suffixes make a new body.
_COMPANY_TAIL = frozenset(v.COMPANY_SUFFIXES.replace("\\", "").split("|"))

_EVENT = re.compile(
    r"[ \t]+(?:[a-z]+[ \t]+)?(?:[Aa]greement|[Aa]ccord|[Tt]reaty|[Pp]rotocol|[Ss]ummit|[Dd]eclaration)\b"
    r"|[ \t]+(?:Olympics|Olympic Games|Paralympics|Games|Grand Prix|Marathon|Open|Masters|Convention|"
    r"World Cup|Cup|Fashion Week|Film Festival|Festival)\b"
)
_INDEX = re.compile(r"[ \t]+(?:\d{2,4}(?![\d-])|Composite|Index|index|average|Average|Stock Average)\b")
_OPENS = re.compile(r"[\"\u201c\u2018'][ \t]*$")
_CLOSES = re.compile(r"[ \t]*[,.!?]?[\"\u201d\u2019']")
_CLOSING_QUOTE = re.compile(r"[\"\u201d]")
_COUNTRY = re.compile(r"place:([A-Z]{2})(?:-|$)")
# Model names after a product or a maker: 'iPhone 16 Pro', 'GPT-4 Turbo', 'Airbus A350'.
# A model number (not a year: 'iPhone 2024 sales'), a version ('HarmonyOS 4.2') or a variant word.
_MODEL_NUMBER = r"(?!(?:19|20)\d\d(?![\w.-]))\d{1,4}(?:\.\d{1,2})?[A-Za-z]?"
_PRODUCT_TAIL = re.compile(
    rf"(?:[ \t](?:{_MODEL_NUMBER}|Pro|Max|MAX|Plus|Ultra|Mini|mini|Turbo|Air|SE|XL|Lite)(?![\w-]))+"
)
_SUFFIX = "|".join(re.escape(w) for w in sorted(v.ORG_SUFFIXES - _COMPANY_TAIL, key=len, reverse=True))
_ORG_TAIL = re.compile(rf"(?:[ \t]{WORD}){{0,2}}[ \t](?:{_SUFFIX})(?![\w'\u2019-])")
_MODEL_CODE = re.compile(
    r"[ \t](?:[A-Z]{1,3}-?\d{2,4}[A-Za-z]{0,3})(?:[ \t](?:Pro|Max|MAX|neo|Ultra))?(?![\w-])"
)


def inside_unannotated(text: str, mention: Mention) -> bool:
    """The place or organisation opens an event's or an index's name."""
    if mention.known.type not in ("place", "organization"):
        return False
    if _EVENT.match(text, mention.end):
        return True
    return mention.known.type == "organization" and _INDEX.match(text, mention.end) is not None


def quoted_title(text: str, mention: Mention) -> bool:
    """The mention fills a pair of quotation marks (optionally after 'The'): a film, album or book."""
    before = text[max(0, mention.start - 6) : mention.start].removesuffix("The ")
    return _OPENS.search(before) is not None and _CLOSES.match(text, mention.end) is not None


def in_quoted_title(text: str, mention: Mention) -> bool:
    """The mention lies in a short quoted phrase in title case ("The Silent Harbour Society")."""
    opening = max(text.rfind(q, max(0, mention.start - 60), mention.start) for q in '"\u201c')
    if opening < 0:
        return False
    closing = _CLOSING_QUOTE.search(text, mention.end, mention.end + 60)
    if closing is None:
        return False
    words = [w for w in text[opening + 1 : closing.start()].split() if len(w) >= 4]
    return 0 < len(words) <= 8 and all(w[0].isupper() for w in words)


def home_country(mentions: list[Mention]) -> str | None:
    """The country the article names most often (ISO alpha-2), from its country and state mentions."""
    counts = Counter(m.group(1) for mention in mentions if (m := _COUNTRY.match(mention.known.id)))
    return counts.most_common(1)[0][0] if counts else None


def located(mentions: list[Mention], bound: dict[str, str]) -> list[Mention]:
    """Drop country-bound short names ('Senate') in an article about another country or after
    another country's name ("Thailand's Senate")."""
    home = home_country(mentions)
    owner = {(m.in_text, m.end): m.known.id for m in mentions if m.known.type == "place"}
    kept = []
    for m in mentions:
        if m.surface in bound:
            before = next(
                (owner[m.in_text, e] for e in (m.start - 1, m.start - 3) if (m.in_text, e) in owner), None
            )
            country = _COUNTRY.match(before) if before else None
            if home not in (None, bound[m.surface]) or (country and country.group(1) != bound[m.surface]):
                continue
        kept.append(m)
    return kept


def extended(text: str, mention: Mention, aliases: dict[str, Known]) -> Mention | None:
    """'Norges Bank Investment Management', 'CBS Sports': a known name that goes on to an org suffix."""
    if mention.known.type != "organization":
        return None
    tail = _ORG_TAIL.match(text, mention.end)
    if tail is None:
        return None
    surface = text[mention.start : tail.end()]
    known = aliases.get(surface) or Known(f"org:{slug(surface)}", surface, "organization")
    return Mention(mention.start, tail.end(), surface, known, mention.in_text, mention.rank)


def models(text: str, mention: Mention) -> Mention | None:
    """'iPhone 16' after the product iPhone, 'Airbus A350' after the maker Airbus: a model, a product."""
    if mention.known.type == "product":
        tail = _PRODUCT_TAIL.match(text, mention.end)
    elif mention.known.type == "organization":
        tail = _MODEL_CODE.match(text, mention.end)
    else:
        return None
    if tail is None:
        return None
    surface = text[mention.start : tail.end()]
    known = Known(f"product:{slug(surface)}", surface, "product")
    return Mention(mention.start, tail.end(), surface, known, mention.in_text, mention.rank)
