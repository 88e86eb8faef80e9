"""Tone: VADER compound score averaged over sentences, with proportions and a traceable method."""

from __future__ import annotations

import pytest

from services.enrich import tone
from services.enrich.tone import find_tone


def test_good_news_scores_positive() -> None:
    """Praise and gains read positive."""
    assert (
        find_tone("Profits surged and investors were delighted. The launch was a great success.").score > 0.5
    )


def test_bad_news_scores_negative() -> None:
    """Losses, fear and disaster read negative."""
    result = find_tone("The crash killed dozens. Markets collapsed in panic and fear.")
    assert result.score < -0.5
    assert result.negative > result.positive


def test_plain_report_scores_near_neutral() -> None:
    """A factual sentence is mostly neutral."""
    result = find_tone("The company will hold its annual meeting in Tokyo on Tuesday.")
    assert abs(result.score) < 0.2
    assert result.neutral > 0.8


def test_empty_text_is_neutral() -> None:
    """No sentences means no sentiment, not an error."""
    assert (find_tone("").score, find_tone("   ").neutral) == (0.0, 1.0)


def test_proportions_are_shares_of_one() -> None:
    """Positive, negative and neutral shares each lie in [0, 1] and sum to about one."""
    result = find_tone("Great results. Terrible weather. A meeting on Monday.")
    assert result.positive + result.negative + result.neutral == pytest.approx(1.0, abs=0.01)


def test_method_names_the_lexicon_version() -> None:
    """The method string says which lexicon and version produced the score."""
    assert find_tone("fine").method == "vaderSentiment 3.3.2 mean compound over sentences"


def test_analyzer_is_built_once() -> None:
    """The lexicon file is read once per process, not per article."""
    assert tone._analyzer() is tone._analyzer()


def test_sentences_split_on_punctuation_and_lines() -> None:
    """Sentence ends and line breaks both separate sentences; white space around them is left out."""
    text = "One. Two!\nThree? "
    assert [text[a:b] for a, b in tone.score(text).spans] == ["One.", "Two!", "Three?"]


def test_text_confidently_in_another_language_gets_no_tone_score() -> None:
    """VADER's lexicon is English: a German article is marked not scored instead of given a wrong score."""
    from services.common.events.facts import CleanArticle
    from services.enrich.logic import enrich

    german = CleanArticle(
        article_id="a1", title="Streik", text="Die Gewerkschaft ruft zum Streik auf. Die Bahn steht still.",
        language="de", language_confidence=0.99, word_count=11, url=None, source=None, published_at=None,
        extractor="plain",
    )  # fmt: skip
    tone = enrich(german).tone
    assert (tone.score, tone.positive, tone.negative, tone.neutral) == (0.0, 0.0, 0.0, 0.0)
    assert tone.method.startswith("not scored")


def test_an_entity_takes_the_tone_of_the_sentences_that_name_it() -> None:
    """Two companies in one story: the one in the sentence of losses scores below the one praised."""
    from services.common.events.facts import Entity
    from services.enrich.tone import entity_tones

    text = (
        "Boeing reported a terrible loss and a deadly crash. "
        "Airbus celebrated excellent, record orders and happy customers. "
        "The weather was mild."
    )
    boeing, airbus, nobody = (
        Entity(
            id=f"org:{n.lower()}", name=n, type="organization", mentions=1, surface_forms=[n], first_offset=0
        )
        for n in ("Boeing", "Airbus", "Embraer")
    )
    low, high, none = entity_tones(text, [boeing, airbus, nobody])
    assert low is not None and high is not None
    assert low < 0 < high
    assert none is None  # named nowhere in the text


def test_enrich_gives_entity_tones_only_for_scored_text() -> None:
    """English text: entities carry a tone; text confidently in another language has no entities to tone."""
    from services.common.events.facts import CleanArticle
    from services.enrich.logic import enrich

    def article(language: str) -> CleanArticle:
        text = "Tesla posted a wonderful quarter, Tesla said."
        return CleanArticle(
            article_id="a", title="T", text=text, language=language, language_confidence=0.99,
            word_count=7, url=None, source=None, published_at=None, extractor="plain",
        )  # fmt: skip

    [english] = [e for e in enrich(article("en")).entities if e.name == "Tesla"]
    french = enrich(article("fr"))
    assert english.tone is not None and english.tone > 0
    assert french.entities == [] and french.tone.method.startswith("not scored")
