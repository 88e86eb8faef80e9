"""Entity rules beyond the gazetteer: long official names, places by feature, people by name and list."""

from __future__ import annotations

import pytest

from services.enrich.entities import find_entities

# Prose around the sentence under test, so that no line looks like a title-case headline.
_TAIL = " The statement was published on the agency's website late in the evening."


def found(text: str, title: str = "") -> set[tuple[str, str]]:
    return {(e.name, e.type) for e in find_entities(title, text + _TAIL)}


@pytest.mark.parametrize(
    "name",
    [
        "Department of Housing and Urban Development",
        "Pension Benefit Guaranty Corporation",
        "Bureau of Land, Water, Forests and Minerals",
        "Institute for the Study of Ancient Cultures",
    ],
)
def test_long_official_names_stay_whole(name: str) -> None:
    """'X of Y, Z and W' and multi-suffix names are one organisation, not several pieces."""
    assert (name, "organization") in found(f"Officials from the {name} said on Monday that it would act.")


def test_service_and_center_names_are_organisations_not_people() -> None:
    """'the Storm Prediction Center said' is an agency, even before a verb of speech."""
    names = found(
        "The Storm Prediction Center said tornadoes were likely, and the Fish and Wildlife Service agreed."
    )
    assert names == {
        ("Storm Prediction Center", "organization"),
        ("Fish and Wildlife Service", "organization"),
    }


def test_names_after_staff_at_are_organisations() -> None:
    """'researchers at Zephyr Insight said': the name after 'at' is where people work."""
    assert found("Researchers at Zephyr Insight said demand would fall in the coming months.") == {
        ("Zephyr Insight", "organization")
    }


def test_geographic_features_and_venues_are_places() -> None:
    """A last word like River, Stadium or a head like 'Strait of', 'Lake' makes a place name."""
    names = found(
        "Boats crossed the Strait of Malacca and the Yarra River; fans filled Wembley Stadium by Lake Tahoe."
    )
    assert {n for n, kind in names if kind == "place"} == {
        "Strait of Malacca",
        "Yarra River",
        "Wembley Stadium",
        "Lake Tahoe",
    }


def test_names_inside_longer_names_are_not_extra_mentions() -> None:
    """'Gulf of Thailand' adds no Thailand, 'Kenya Airways' no Kenya; events and indices add nothing."""
    text = (
        "Ships waited in the Gulf of Thailand. Kenya Airways cancelled flights before the Paris Olympics,"
        " and the Nasdaq Composite fell."
    )
    assert found(text) == {("Gulf of Thailand", "place"), ("Kenya Airways", "organization")}


def test_job_titles_are_not_part_of_names() -> None:
    """'Prosecutor Jane Roe' is Jane Roe; 'Solicitor General John Doe' is John Doe."""
    names = found(
        "Prosecutor Jane Roe said the case was closed. Solicitor General John Doe told the court otherwise."
    )
    assert names == {("Jane Roe", "person"), ("John Doe", "person")}


def test_a_known_given_name_marks_a_person() -> None:
    """Without a title or a verb of speech, 'Emma' still says 'Emma Lindqvist' is a person."""
    assert found("Emma Lindqvist scored twice in the second half while the crowd watched.") == {
        ("Emma Lindqvist", "person")
    }


def test_names_listed_with_a_person_are_people() -> None:
    """In 'A, B and C' where A is a person, the other names are people too."""
    names = found("The prize went to Olaf Brandt, Quentin Moreau and Xiluva Dlamini for their research.")
    assert {n for n, kind in names if kind == "person"} == {"Olaf Brandt", "Quentin Moreau", "Xiluva Dlamini"}


def test_a_given_name_outweighs_a_country_at_the_start() -> None:
    """'Jordan Bardella' is a person, not the country Jordan followed by a word."""
    assert found("Jordan Bardella said the party would win the vote in the spring.") == {
        ("Jordan Bardella", "person")
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thailand's Senate approved the bill by a wide margin after a long debate.", False),
        ("In Manila, lawmakers met; the Senate later approved the budget for the Philippines.", False),
        ("In Washington the Senate approved the budget for the United States on a party-line vote.", True),
    ],
)
def test_country_bound_short_names_follow_the_article(text: str, expected: bool) -> None:
    """'the Senate' is the U.S. Senate only in an article that is not about another country."""
    assert (("U.S. Senate", "organization") in found(text)) is expected


def test_quoted_titles_are_not_entities() -> None:
    """A title-case phrase in quotation marks is a creative work, whatever its last word."""
    assert (
        found('The band released "The Silent Harbour Society" last year and it sold well everywhere.')
        == set()
    )


def test_towns_are_found_from_their_context() -> None:
    """'the village of X' names a place of any size; a listed town counts after 'in'."""
    names = found("Fighting continued near the village of Kalynivka, and floods were reported in Stillwater.")
    assert {n for n, kind in names if kind == "place"} == {"Kalynivka", "Stillwater"}


def test_model_names_extend_products_and_makers() -> None:
    """'iPhone 15 Pro' and 'Airbus A400M' are products of their own, not the base name or the maker."""
    names = found("Airbus flew the Airbus A400M, while Apple sold the iPhone 15 Pro.")
    assert {n for n, kind in names if kind == "product"} == {"Airbus A400M", "iPhone 15 Pro"}


def test_a_known_company_followed_by_a_suffix_is_another_body() -> None:
    """'Toyota Industries' is not Toyota: the suffix word makes a separate organisation."""
    assert found("Shares of Toyota Industries rose after the results were released.") == {
        ("Toyota Industries", "organization")
    }


def test_title_words_follow_the_longer_name_in_the_text() -> None:
    """A headline's 'Amazon' is the Amazon basin the text describes, not the company."""
    names = {
        (e.name, e.type)
        for e in find_entities("Amazon Drought Deepens", "Fires raged across the Amazon basin.")
    }
    assert names == {("Amazon rainforest", "place")}


def test_ambiguous_aliases_need_the_text_to_count_in_a_title() -> None:
    """In title case 'Shell' says nothing; it counts only if the text names the company."""
    assert find_entities("Shell Shocked Markets Slide", "Oil prices rose as supply fell.") == []
