"""Entities: gazetteer names, context-recognised names, variants resolved to one id, no junk."""

from __future__ import annotations

from importlib import resources

import pytest

from services.common.events.facts import Entity
from services.enrich.entities import find_entities


def ids(text: str, title: str = "") -> set[str]:
    return {entity.id for entity in find_entities(title, text)}


def names(entities: list[Entity]) -> set[tuple[str, str]]:
    return {(e.name, e.type) for e in entities}


def entity(text: str, ident: str, title: str = "") -> Entity:
    [found] = [e for e in find_entities(title, text) if e.id == ident]
    return found


def test_company_suffix_and_possessives_resolve_to_one_organisation() -> None:
    """'Xiaomi Corp.', 'Xiaomi' and the possessive with either apostrophe are all org:xiaomi."""
    text = "Xiaomi Corp. said on Monday that Xiaomi will grow. Xiaomi\u2019s shares and Xiaomi's bonds rose."
    xiaomi = entity(text, "org:xiaomi")
    assert xiaomi.mentions == 4
    assert xiaomi.surface_forms == ["Xiaomi Corp.", "Xiaomi"]
    assert xiaomi.first_offset == 0


def test_country_variants_resolve_to_iso_code() -> None:
    """'U.S.', 'United States' and 'US' are place:US; 'Britain' and 'UK' are place:GB."""
    us = entity(
        "The U.S. and the United States of America, or US, trade with Britain and the UK.", "place:US"
    )
    assert us.surface_forms == ["U.S.", "United States of America", "US"]
    assert "place:GB" in ids("Britain and the UK")


def test_hong_kong_is_a_place() -> None:
    """Hong Kong is listed by pycountry and resolves to place:HK."""
    assert entity("Its stake in Hong Kong rose.", "place:HK").type == "place"


def test_surname_refers_back_to_the_full_name() -> None:
    """'Musk' after 'Elon Musk' is the same person, counted as a further mention."""
    musk = entity("Elon Musk founded SpaceX. Musk said on Friday that Tesla would grow.", "person:elon-musk")
    assert (musk.mentions, musk.surface_forms) == (2, ["Elon Musk", "Musk"])


def test_surname_alone_is_not_a_person() -> None:
    """Without a full mention in the article, a bare surname stays unresolved."""
    assert "person:tim-cook" not in ids("Cook said the results were strong.")


def test_central_bank_abbreviation_is_the_same_organisation() -> None:
    """BOJ and Bank of Japan are one organisation; so are Fed and Federal Reserve."""
    boj = entity("The Bank of Japan held rates. The BOJ meets again in March.", "org:bank-of-japan")
    assert boj.surface_forms == ["Bank of Japan", "BOJ"]
    assert "org:federal-reserve" in ids("Traders bet the Fed will cut.")


def test_unknown_person_is_recognised_from_a_title_before_the_name() -> None:
    """'director, Zang Ziyuan' names a person no gazetteer knows."""
    text = "Xiaomi\u2019s international marketing department director, Zang Ziyuan, also confirmed the news."
    zang = entity(text, "person:zang-ziyuan")
    assert (zang.name, zang.type) == ("Zang Ziyuan", "person")


def test_chinese_family_name_refers_back_to_the_person() -> None:
    """For 'Zang Ziyuan' the family name comes first, so 'Zang' refers back to him."""
    text = "The director, Zang Ziyuan, confirmed it. Zang said more would follow."
    assert entity(text, "person:zang-ziyuan").mentions == 2


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("It was a tough week, said Mark Haefele, chief investment officer at UBS.", "Mark Haefele"),
        ("Sarah Johnson, a senior economist at Capital Economics, expects two cuts.", "Sarah Johnson"),
        ("Texas Governor Greg Abbott clashed with lawmakers.", "Greg Abbott"),
        ("Manchester United manager Ruben Amorim said his side lacked intensity.", "Ruben Amorim"),
        ("\u201cWe are confident,\u201d said Wang Chuanfu, BYD\u2019s chairman.", "Wang Chuanfu"),
    ],
)
def test_unknown_person_is_recognised_from_context(text: str, name: str) -> None:
    """A title, a verb of speech or an appositive around a capitalised name marks a person."""
    assert name in {e.name for e in find_entities("", text) if e.type == "person"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Acme Widgets Inc. agreed to buy the plant.", "Acme Widgets Inc."),
        ("It sold the unit to Blue River Holdings last year.", "Blue River Holdings"),
        ("The Ministry of Finance said it would issue more bonds.", "Ministry of Finance"),
        ("The Chinese Foreign Ministry rejected the claim.", "Chinese Foreign Ministry"),
    ],
)
def test_unknown_organisation_is_recognised_by_its_suffix(text: str, name: str) -> None:
    """Capitalised names ending in 'Inc.', 'Holdings', 'Ministry'... are organisations."""
    assert name in {e.name for e in find_entities("", text) if e.type == "organization"}


@pytest.mark.parametrize(
    "text",
    [
        "Meanwhile, According to analysts, It was a tough year. However, The Company said so.",
        "The Chinese Embassy said the report was false. Officials said more talks were planned.",
        "Hurricane Milton hit the coast. Storm Response Teams said damage was heavy.",
        "The Chinese smartphone maker is expanding its EV business unit.",
        "Nice weather in Reading drew visitors to Victoria.",
    ],
)
def test_ordinary_capitalised_words_are_not_entities(text: str) -> None:
    """Precision: sentence starters, nationalities, acronyms and word-like cities yield nothing."""
    assert find_entities("", text) == []


def test_title_words_before_a_suffix_are_not_an_organisation() -> None:
    """'Chief Financial Officer Lin Tao' is a person with a title, not an org 'Chief Financial'."""
    assert ids("Chief Financial Officer Lin Tao said so.") == {"person:lin-tao"}


def test_headline_case_lines_are_not_mined_for_people() -> None:
    """In title case every word looks like a name; only known names count there."""
    found = ids("U.S.-India Trade Framework Signals Major Shift in Tariffs, Energy, and Supply Chains")
    assert found == {"place:US", "place:IN"}


def test_currency_prefix_is_not_a_country() -> None:
    """The 'US' of 'US$5 million' and the 'HK' of 'HK$2 billion' are money, not places."""
    assert ids("It raised US$5 million and HK$2 billion.") == set()


def test_ambiguous_alias_is_ignored_at_sentence_start() -> None:
    """'Shell' opening a sentence is usually the noun; inside one it is the company."""
    assert ids("Shell companies hide owners.") == set()
    assert ids("Oil major Shell cut its dividend.") == {"org:shell"}


def test_title_mentions_count_but_offsets_refer_to_the_text() -> None:
    """A name in the title adds a mention; an entity only in the title gets first_offset 0."""
    found = {e.id: e for e in find_entities("Tesla and Nio rally", "Shares of Nio rose 5%.")}
    assert (found["org:nio"].mentions, found["org:nio"].first_offset) == (2, 10)
    assert (found["org:tesla"].mentions, found["org:tesla"].first_offset) == (1, 0)


def test_politics_article_finds_leaders_places_and_alliances() -> None:
    """Generalisation: heads of government, capitals and NATO from one sentence."""
    text = "German Chancellor Friedrich Merz met French President Emmanuel Macron in Berlin about NATO."
    assert ids(text) == {
        "person:friedrich-merz",
        "person:emmanuel-macron",
        "place:geonames:2950159",
        "org:nato",
    }


def test_central_bank_article_links_chair_and_bank() -> None:
    """Generalisation: a chair's surname and the bank's short name resolve to the full ones."""
    text = "Federal Reserve Chair Jerome Powell said the Fed would wait. Powell spoke in Washington."
    found = {e.id: e.mentions for e in find_entities("", text)}
    assert found == {"org:federal-reserve": 2, "person:jerome-powell": 2, "place:geonames:4140963": 1}


def test_sport_article_finds_clubs_and_players() -> None:
    """Generalisation: clubs from the gazetteer, the manager from context."""
    text = "Arsenal beat Real Madrid as striker Kylian Mbappé missed a penalty, manager Mikel Arteta said."
    assert ids(text) == {"org:arsenal", "org:real-madrid", "person:kylian-mbappe", "person:mikel-arteta"}


def test_gazetteer_files_are_well_formed() -> None:
    """Every row has four columns and a unique id whose prefix matches its type."""
    prefixes = {"organization": "org:", "group": "group:", "product": "product:", "place": "place:"}
    seen: set[str] = set()
    for name in ("organizations.tsv", "products.tsv", "places.tsv", "people.tsv"):
        text = resources.files("services.enrich").joinpath("data", name).read_text(encoding="utf-8")
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            columns = line.split("\t")
            assert len(columns) == 4, line
            ident = columns[0]
            assert ident not in seen, ident
            seen.add(ident)
            prefix = "person:" if name == "people.tsv" else prefixes[columns[2]]
            assert ident.startswith(prefix), line
    assert len(seen) > 600


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("NEW DELHI, May 2 (Reuters) - The central bank held rates.", "New Delhi"),
        ("WASHINGTON (AP) \u2014 The Senate voted on Tuesday.", "Washington, D.C."),
        ("PORT-AU-PRINCE, Haiti (AP) \u2014 Gangs blocked the road.", "Port-au-Prince"),
        ("GENEVA/STOCKHOLM, Aug 15 (Reuters) - The WHO declared an emergency.", "Geneva"),
        ("GENEVA/STOCKHOLM, Aug 15 (Reuters) - The WHO declared an emergency.", "Stockholm"),
    ],
)
def test_the_city_of_a_wire_dateline_is_a_place(text: str, place: str) -> None:
    """Datelines are in capitals, which no alias matches; the city is read from them."""
    assert (place, "place") in names(find_entities("", text))


def test_capitals_that_are_not_a_dateline_name_no_place() -> None:
    """A line in capitals without a date, agency or dash after it is not a dateline."""
    assert names(find_entities("", "BREAKING NEWS: markets fell sharply.")) == set()


def test_a_possessive_owner_is_not_part_of_the_organisation() -> None:
    """ "South Africa's Vodacom Group" is a place and a company, not one organisation."""
    found = names(find_entities("", "South Africa's Vodacom Group said profit rose."))
    assert ("Vodacom Group", "organization") in found
    assert ("South Africa", "place") in found
    assert not any("'s" in name for name, _ in found)


def test_a_plural_possessive_stays_inside_the_name() -> None:
    """ "Boston Children's Hospital" is one organisation."""
    found = names(find_entities("", "Doctors at Boston Children's Hospital said the trial worked."))
    assert ("Boston Children's Hospital", "organization") in found


def test_states_and_provinces_of_every_country_are_places() -> None:
    """ISO 3166-2 subdivisions, written as English news does (no romanisation marks)."""
    found = names(find_entities("", "Heat waves hit Bihar, Rajasthan and the province of Sindh."))
    assert {("Bihar", "place"), ("Rajasthan", "place"), ("Sindh", "place")} <= found


def test_organisation_words_outweigh_a_speech_verb() -> None:
    """'Relief International said' is an organisation, not a person."""
    found = names(find_entities("", "Relief International said clinics had closed."))
    assert ("Relief International", "organization") in found


def test_bylines_and_occupations_introduce_people() -> None:
    """Wire bylines name reporters and editors; 'said glaciologist X' names a scientist."""
    text = (
        '"It is a tipping point," said glaciologist Lena Hartmann.\n\n'
        "(Reporting by Wanjiru Kamau; Editing by Thomas Halvorsen)"
    )
    found = names(find_entities("", text))
    assert {("Lena Hartmann", "person"), ("Wanjiru Kamau", "person"), ("Thomas Halvorsen", "person")} <= found


def test_an_occupation_after_a_name_describes_someone_else() -> None:
    """', a group founded by activist Edward Blum' does not make the group a person."""
    found = names(
        find_entities("", "The suit was brought by Fair Admissions, a group founded by activist Edward Blum.")
    )
    assert ("Fair Admissions", "person") not in found


def test_a_colon_dateline_names_its_city() -> None:
    """Indian papers write 'MUMBAI: ...'."""
    assert ("Mumbai", "place") in names(find_entities("", "MUMBAI: Shares of Tata Motors rose on Monday."))


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("The Long March 5B rocket lifted off.", "Long March 5B"),
        ("It runs HarmonyOS 4.2 on a Kirin 9010 chip.", "HarmonyOS 4.2"),
        ("It runs HarmonyOS 4.2 on a Kirin 9010 chip.", "Kirin 9010"),
        ("Sony sold the PlayStation 5 Pro.", "PlayStation 5 Pro"),
    ],
)
def test_a_model_after_a_known_product_is_that_model(text: str, product: str) -> None:
    """Model numbers, versions and variants extend a product family's name."""
    assert (product, "product") in names(find_entities("", text))


def test_a_year_after_a_product_is_not_a_model() -> None:
    assert ("iPhone", "product") in names(find_entities("", "Apple sold more iPhone 2024 units."))


def test_stacked_company_suffixes_stay_with_the_company() -> None:
    """'Samsung Electronics Co Ltd' is Samsung Electronics, with no stray 'Co Ltd' organisation."""
    found = names(find_entities("", "Samsung Electronics Co Ltd estimated its profit on Tuesday."))
    assert not any(name.startswith("Co ") for name, _ in found)


def test_an_agency_named_administration_is_one_organisation() -> None:
    found = names(find_entities("", "Officials of the National Financial Regulatory Administration spoke."))
    assert ("National Financial Regulatory Administration", "organization") in found
