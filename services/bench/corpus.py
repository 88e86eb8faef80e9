"""The benchmark's articles: plausible English news made from templates, or any JSONL a user supplies.

Generated articles name people, companies and places the gazetteers know, with money, percentages
and dates in them, so every stage does the work it does on real news. Their content (``body``, or
``html`` for a share of them) follows ``SIZE_MIX``: 0.5 to 20 KB, most of it a few KB.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

import orjson

from services.bench import vocabulary as v
from services.publish.sources import Item, read_paths

#: (smallest bytes, largest bytes, share) of the content sizes; log-uniform within a band.
SIZE_MIX: tuple[tuple[int, int, float], ...] = (
    (500, 2_048, 0.30),
    (2_048, 5_120, 0.35),
    (5_120, 10_240, 0.22),
    (10_240, 20_480, 0.13),
)
MIN_BYTES, MAX_BYTES = SIZE_MIX[0][0], SIZE_MIX[-1][1]


@dataclass
class _Writer:
    """Fills templates for one article: its theme, cast and outlet stay fixed across sentences."""

    rng: random.Random
    terms: tuple[str, ...]
    orgs: list[str]
    people: list[str]
    outlet: str
    year: int

    def money(self) -> str:
        symbol, suffix = self.rng.choice(v.CURRENCIES)
        amount = round(self.rng.uniform(1.0, 950.0), self.rng.choice((0, 1, 1, 2)))
        return f"{symbol}{amount:g} {self.rng.choice(v.SCALES)}{suffix}"

    def pct(self) -> str:
        value = round(self.rng.uniform(0.1, 45.0), self.rng.choice((0, 1)))
        return f"{value:g}%" if self.rng.random() < 0.6 else f"{value:g} percent"

    def date(self) -> str:
        month, day = self.rng.choice(v.MONTHS), self.rng.randint(1, 28)
        forms = (f"{month} {day}", f"{month} {day}, {self.year}")
        return (*forms, f"{self.year}-{v.MONTHS.index(month) + 1:02d}-{day:02d}")[self.rng.randrange(3)]

    def sentence(self) -> str:
        """A sentence template: mostly narrative, the rest with money, percentages or dates."""
        bank = v.NARRATIVE if self.rng.random() < v.NARRATIVE_SHARE else v.SENTENCES
        return self.rng.choice(bank)

    def fill(self, template: str) -> str:
        r = self.rng
        org, org2 = r.sample(self.orgs, 2)
        term, term2 = r.sample(self.terms, 2)
        return template.format(
            org=org, org2=org2, person=r.choice(self.people), place=r.choice(v.PLACES), term=term,
            term2=term2, money=self.money(), money2=self.money(), pct=self.pct(), pct2=self.pct(),
            date=self.date(), weekday=r.choice(v.WEEKDAYS), relative=r.choice(v.RELATIVE),
            number=f"{r.choice((2, 3, 5, 12, 40, 250, 1200, 15000)):,}", outlet=self.outlet,
            verb=r.choice(v.TITLE_VERBS), moves=r.choice(v.MOVES), future=r.choice(v.FUTURE),
        )  # fmt: skip


def content_size(rng: random.Random) -> int:
    """A content size in bytes drawn from ``SIZE_MIX``."""
    low, high, _ = rng.choices(SIZE_MIX, weights=[share for *_, share in SIZE_MIX])[0]
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _paragraphs(writer: _Writer, target: int, markup: int) -> list[str]:
    """Paragraphs whose text plus ``markup`` bytes each come to about ``target`` bytes, never above max."""
    paragraphs: list[str] = []
    size = 0
    while size < target:
        sentences = [writer.fill(writer.sentence()) for _ in range(writer.rng.randint(2, 5))]
        text = " ".join(sentences)
        grown = size + len(text.encode()) + markup
        if grown > MAX_BYTES:
            text = text.encode()[: max(0, MAX_BYTES - size - markup)].decode(errors="ignore")
            text = text.rsplit(". ", 1)[0] + "." if ". " in text else text
            grown = size + len(text.encode()) + markup
        paragraphs.append(text)
        size = grown
    return paragraphs


def _html(title: str, paragraphs: list[str], outlet: str) -> str:
    head = f"<html><head><title>{title}</title><script>var ads = [];</script></head><body>"
    nav = f"<nav><a href='/'>{outlet}</a> | <a href='/news'>News</a></nav><article><h1>{title}</h1>"
    return head + nav + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"


_HTML_FRAME = len(_html("", [], "").encode())


def article(n: int, rng: random.Random, *, html: bool) -> dict[str, object]:
    """Article number ``n``: a submission with title, body (or html), url, source and publication time."""
    theme = rng.choice(sorted(v.THEMES))
    section, terms = v.THEMES[theme]
    outlet, domain = rng.choice(v.OUTLETS)
    year = rng.choice((2024, 2025))
    writer = _Writer(rng, terms, rng.sample(v.ORGS, 4), rng.sample(v.PEOPLE, 3), outlet, year)
    title = writer.fill(rng.choice(v.TITLES))
    title = title[0].upper() + title[1:]
    target = content_size(rng)
    frame = _HTML_FRAME + 2 * len(title.encode()) + len(outlet) if html else 0
    paragraphs = _paragraphs(writer, max(target - frame, 1), 7 if html else 2)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    slug = "-".join(title.lower().split()[:6]).strip(".,:'\"")
    out: dict[str, object] = {
        "title": title,
        "url": f"https://{domain}/{section}/{year}/{month:02d}/{day:02d}/{slug}-{n}",
        "source": outlet,
        "published_at": f"{year}-{month:02d}-{day:02d}T{rng.randint(5, 22):02d}:{rng.randint(0, 59):02d}:00Z",
        "language": "en",
    }
    if html:
        out["html"] = _html(title, paragraphs, outlet)
    else:
        out["body"] = "\n\n".join(paragraphs)
    return out


def generate(count: int, *, seed: int = 1, html_share: float = 0.25, first: int = 0) -> list[Item]:
    """``count`` generated articles as publishable items; the same seed gives the same articles."""
    rng = random.Random(seed)
    items = []
    for n in range(first, first + count):
        obj = article(n, rng, html=rng.random() < html_share)
        items.append(Item(f"generated:{n}", obj, orjson.dumps(obj)))
    return items


def read_jsonl(path: str, count: int | None = None) -> list[Item]:
    """Items of a user's file (JSONL, or anything ``newsfacts publish`` reads), the first ``count``."""
    return list(itertools.islice(read_paths([path]), count))


def content_bytes(item: Item) -> int:
    """Size of an item's content: its body or html in UTF-8 bytes (the whole input when not an object)."""
    if item.article is None:
        return len(item.raw)
    value = item.article.get("body") or item.article.get("html") or ""
    return len(str(value).encode())
