"""Do two read stores say the same? Every article, story, entity and topic view and the counters must
be equal; search, ranked by each store's own function, must agree on at least ``OVERLAP`` of the
top ten over ``SEARCHES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.projector import audit, queries
from services.projector.sqlconn import Connection

#: Share of the top-10 hits two stores must agree on, averaged over ``SEARCHES``.
OVERLAP = 0.9
#: Thirty searches: single words, pairs and phrases of the bench corpus and of news in general.
SEARCHES = (
    "market", "shares investors", "central bank", "inflation rates", "battery factory",
    "electric vehicles", "supply chain", "chip exports", "tariffs", "quarterly profit",
    "revenue growth", "regulators antitrust", "probe", "merger talks", "energy prices",
    "crude oil output", "data centre", "cloud computing", "artificial intelligence", "startup funding",
    "Xiaomi", "Tesla", "Nvidia chip", "Airbus", "Siemens energy", "Sony", "election", "football",
    "production Beijing", "rates rose percent",
)  # fmt: skip


@dataclass
class Comparison:
    """What differs between two stores (nothing, when ``equal``), and the search overlap."""

    differences: list[str] = field(default_factory=list)
    overlap: float = 1.0
    checked: int = 0

    @property
    def equal(self) -> bool:
        return not self.differences and self.overlap >= OVERLAP


def _ids(conn: Connection, sql: str) -> list[str]:
    return [row[0] for row in conn.execute(sql)]


def compare(one: Connection, other: Connection) -> Comparison:
    """Compare every view of ``one`` with ``other``'s (``other`` is the reference: SQLite's)."""
    found = Comparison()
    articles = sorted(
        set(_ids(one, "SELECT article_id FROM articles"))
        | set(_ids(other, "SELECT article_id FROM articles"))
    )
    for article_id in articles:
        for name, view in (
            ("article", queries.article),
            ("story", queries.story),
            ("lineage", audit.lineage),
        ):
            found.checked += 1
            if view(one, article_id) != view(other, article_id):
                found.differences.append(f"{name} {article_id}")
    entities = sorted(
        set(_ids(one, "SELECT entity_id FROM entities")) | set(_ids(other, "SELECT entity_id FROM entities"))
    )
    for entity_id in entities:
        found.checked += 1
        if queries.entity(one, entity_id) != queries.entity(other, entity_id):
            found.differences.append(f"entity {entity_id}")
    found.checked += 2
    if queries.topics(one) != queries.topics(other):
        found.differences.append("topics")
    for topic in queries.topics(other):
        found.checked += 1
        if queries.topic_articles(one, topic.code) != queries.topic_articles(other, topic.code):
            found.differences.append(f"topic {topic.code}")
    if queries.counters(one) != queries.counters(other):
        found.differences.append("counters")
    shares = []
    for query in SEARCHES:
        a = {h.article_id for h in queries.search(one, query)}
        b = {h.article_id for h in queries.search(other, query)}
        shares.append(len(a & b) / len(a | b) if a | b else 1.0)
    found.overlap = sum(shares) / len(shares)
    return found
