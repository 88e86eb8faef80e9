"""enrich() on the seed article: the facts it must find, and nothing it must not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from services.common.events.facts import CleanArticle
from services.enrich.logic import Enrichment, enrich

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_xiaomi_ev_mass_production.txt"


def seed_article(published_at: str | None = "2021-10-20T09:30:00Z") -> CleanArticle:
    """The seed as ingest would hand it on: title taken from the first sentence."""
    text = SEED.read_text(encoding="utf-8").strip()
    return article(text, title=text.split(". ")[0] + ".", published_at=published_at, article_id="seed-000")


@pytest.fixture(scope="module")
def facts() -> Enrichment:
    return enrich(seed_article())


def test_seed_entities_include_every_name_in_the_article(facts: Enrichment) -> None:
    """The organisations, people and places the seed names are all found, resolved to stable ids."""
    ids = {entity.id for entity in facts.entities}
    assert {
        "org:xiaomi", "org:tesla", "org:byd", "org:nio", "org:xpeng", "org:baidu", "org:reuters",
        "org:cnbc", "org:weibo", "person:lei-jun", "person:zang-ziyuan", "person:elon-musk",
        "place:CN", "place:HK",
    } <= ids  # fmt: skip


def test_seed_entities_hold_no_junk(facts: Enrichment) -> None:
    """Precision: every entity found in the seed is one a reader would list; nothing else."""
    names = {entity.name for entity in facts.entities}
    assert names.isdisjoint({"EV", "Chinese", "Meanwhile", "According", "It", "Xiaomi EV", "Oct"})
    assert len(facts.entities) == 14


def test_seed_money_is_ten_billion_dollars(facts: Enrichment) -> None:
    """'$10 billion' is 1e10 USD, with its offset in the text."""
    article = seed_article()
    [money] = facts.money
    assert (money.text, money.value, money.currency) == ("$10 billion", 1e10, "USD")
    assert article.text[money.offset :].startswith("$10 billion")


def test_seed_percentages_are_five_percent(facts: Enrichment) -> None:
    """Both 'five percent' mentions are 5.0."""
    assert [(p.text, p.value) for p in facts.percentages] == [("five percent", 5.0)] * 2


def test_seed_dates_resolve_against_publication(facts: Enrichment) -> None:
    """Tuesday, Oct. 19 and the 2024 half-year are found and resolved."""
    by_text = {d.text: (d.value, d.granularity) for d in facts.dates}
    assert by_text["Tuesday"] == ("2021-10-19", "day")
    assert by_text["Oct. 19"] == ("2021-10-19", "day")
    assert by_text["2024 H1"] == ("2024-01-01", "half")
    assert by_text["the first two quarters of the year 2024"] == ("2024-01-01", "half")
    assert "next ten years" not in " ".join(by_text)


def test_seed_tone_is_mildly_positive(facts: Enrichment) -> None:
    """A report of shares rising ahead of schedule reads slightly positive."""
    assert 0 < facts.tone.score < 0.5


def test_enrichment_is_immutable(facts: Enrichment) -> None:
    """Enrichment is plain frozen data, like the events it feeds."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.money = []  # type: ignore[misc]


def test_offsets_refer_to_the_text(facts: Enrichment) -> None:
    """Every offset points at its surface form in article.text."""
    text = seed_article().text
    spans = [(m.offset, m.text) for m in facts.money] + [(p.offset, p.text) for p in facts.percentages]
    for offset, surface in spans + [(d.offset, d.text) for d in facts.dates]:
        assert text[offset : offset + len(surface)] == surface
    for entity in facts.entities:
        assert any(text.startswith(form, entity.first_offset) for form in entity.surface_forms)


def _article(title: str, text: str) -> CleanArticle:
    return seed_article().model_copy(update={"title": title, "text": text})


def test_title_only_facts_are_reported_at_offset_zero() -> None:
    """Money, percentages and dates the headline states but the text does not are kept, at offset 0."""
    facts = enrich(
        _article("Rates Cut for First Time Since 2019 as Stocks Gain 3%", "The bank cut rates on Thursday.")
    )
    assert [(d.text, d.offset) for d in facts.dates] == [("Thursday", 22), ("2019", 0)]
    assert [(p.value, p.offset) for p in facts.percentages] == [(3.0, 0)]


def test_title_facts_repeated_in_the_text_are_not_doubled() -> None:
    """A headline repeating the text's amount and date adds nothing."""
    facts = enrich(_article("Firm Raises $5 Million in 2024", "The firm raised $5 million in 2024."))
    assert [(m.value, m.offset) for m in facts.money] == [(5e6, 16)]
    assert [d.text for d in facts.dates] == ["2024"]


def article(
    text: str, title: str = "Budget", published_at: str | None = "2025-02-18T09:00:00Z", article_id: str = "a"
) -> CleanArticle:
    """An English article as clean hands it on."""
    return CleanArticle(
        article_id=article_id,
        title=title,
        text=text,
        language="en",
        language_confidence=0.99,
        word_count=len(text.split()),
        url=None,
        source=None,
        published_at=published_at,
        extractor="plain",
    )


def amounts(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.currency) for m in enrich(article(text)).money]


def test_a_bare_dollar_in_a_dollar_countrys_story_is_its_own_dollar() -> None:
    """Local press writes its dollar as '$'; the dateline and the places say which."""
    text = (
        "SINGAPORE (The Straits Times) - Every household in Singapore will get $800 in vouchers, "
        "and the budget sets aside S$3 billion for a fund."
    )
    assert amounts(text) == [("$800", "SGD"), ("S$3 billion", "SGD")]


def test_a_bracketed_conversion_after_a_marked_amount_stays_in_us_dollars() -> None:
    """Wire style: 'S$1.2 billion ($900 million)' converts to US dollars."""
    text = "SINGAPORE, Feb 18 (Reuters) - Singapore will spend S$1.2 billion ($900 million) on its ports."
    assert amounts(text) == [("S$1.2 billion", "SGD"), ("$900 million", "USD")]


def test_a_bare_dollar_elsewhere_is_the_us_dollar() -> None:
    """A story about Kenya that quotes dollars means US dollars; its shillings are Kenyan."""
    text = (
        "NAIROBI (Reuters) - Kenya raised Sh30 billion in taxes and borrowed $1.5 billion, the treasury said."
    )
    assert amounts(text) == [("Sh30 billion", "KES"), ("$1.5 billion", "USD")]


def test_rupees_take_the_country_of_the_story() -> None:
    """'Rs' in a Pakistani story is the Pakistani rupee; with no country named it is the Indian one."""
    assert amounts("ISLAMABAD (Reuters) - Pakistan's rupee fell to Rs259.10 against the dollar.") == [
        ("Rs259.10", "PKR")
    ]
    assert amounts("The scheme costs Rs 500 crore.") == [("Rs 500 crore", "INR")]


@pytest.mark.parametrize(
    ("text", "surface", "currency", "value"),
    [
        ("Shares fell 12p to 412p in London.", "412p", "GBP", 4.12),
        ("A ticket costs R3.40 in Johannesburg.", "R3.40", "ZAR", 3.4),
        ("Manila will spend P4.5 billion on rice.", "P4.5 billion", "PHP", 4.5e9),
        ("Dubai fined the firm Dh4.1 million.", "Dh4.1 million", "AED", 4.1e6),
    ],
)
def test_local_signs(text: str, surface: str, currency: str, value: float) -> None:
    found = [m for m in enrich(article(text)).money if m.text == surface]
    assert [(m.currency, m.value) for m in found] == [(currency, pytest.approx(value))]
