"""The classify stage's pure logic: IPTC Media Topics from a hand-written lexicon."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from services.classify.cues import first_person_quote, named_age
from services.classify.lexicon import TOPICS, Lexicon, lexicon, stem, tokens
from services.classify.logic import MAX_TOPICS, MIN_SCORE, Evidence, classify, zones
from services.common.events.facts import CleanArticle

SEEDS = Path(__file__).parents[2] / "seeds"
ECONOMY, POLITICS, HEALTH, CRIME = "medtop:04000000", "medtop:11000000", "medtop:07000000", "medtop:02000000"
HUMAN_INTEREST, SOCIETY, SPORT = "medtop:08000000", "medtop:14000000", "medtop:15000000"


def _article(title: str, text: str | None = None, lang: str = "en", conf: float = 1.0) -> CleanArticle:
    body = text if text is not None else title
    return CleanArticle(
        article_id="a1",
        title=title,
        text=body,
        language=lang,
        language_confidence=conf,
        word_count=len(body.split()),
        url=None,
        source=None,
        published_at=None,
        extractor="plain",
    )


def _seed() -> CleanArticle:
    lines = SEEDS.joinpath("000_xiaomi_ev_mass_production.txt").read_text(encoding="utf-8").splitlines()
    return _article("Xiaomi Corp. is gearing up to sell its own electric cars", "\n\n".join(lines))


def _codes(title: str, text: str | None = None) -> list[str]:
    return [topic.code for topic in classify(_article(title, text))]


def test_seed_article_is_economy_first() -> None:
    """The Xiaomi EV article is about business first: investment, shares, mass production."""
    topics = classify(_seed())
    assert topics[0].code == ECONOMY
    assert topics[0].label == "economy, business and finance"


def test_every_seed_headline_gets_a_topic() -> None:
    """Each of the seventeen seed headlines, sent without a body, gets at least one topic."""
    lines = SEEDS.joinpath("headlines.jsonl").read_text(encoding="utf-8").splitlines()
    titles = [json.loads(line)["title"] for line in lines if line.strip()]
    assert len(titles) == 17
    for title in titles:
        assert classify(_article(title)), title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Yen Slides as Japan Election Boosts Fiscal Stimulus Expectations", [ECONOMY, POLITICS]),
        ("Hims & Hers Halts Compounded Semaglutide Pill After FDA Warning", [HEALTH]),
        ("Uber Ordered to Pay $8.5 Million in Bellwether Sexual Assault Lawsuit", [CRIME]),
    ],
)
def test_seed_headlines_get_the_expected_topics(title: str, expected: list[str]) -> None:
    """Headlines from the seed come out with the topics a news editor would give them."""
    assert _codes(title)[: len(expected)] == expected


# Headlines and short paragraphs, not from the seed, with the topic that must come first.
CASES = [
    ("medtop:01000000", "Taylor Swift Breaks Box Office Records With Concert Film"),
    ("medtop:02000000", "Police arrested two men after a stabbing outside a nightclub early on Sunday."),
    ("medtop:03000000", "Magnitude 7.4 Earthquake Strikes Off Taiwan, Tsunami Warning Issued"),
    ("medtop:04000000", "Bank of Japan Signals Readiness for Near-Term Rate Hike as Inflation Nears Target"),
    (
        "medtop:04000000",
        "The Federal Reserve kept interest rates unchanged, saying inflation remains too high.",
    ),
    ("medtop:05000000", "New Curriculum Puts Coding in Every Primary School Classroom"),
    ("medtop:06000000", "Global Emissions Hit Record High Despite Climate Pledges, UN Report Finds"),
    ("medtop:07000000", "New Alzheimer's Drug Slows Cognitive Decline in Clinical Trial"),
    ("medtop:08000000", "Lost Dog Reunited With Owners After Two Years"),
    ("medtop:09000000", "Auto Workers Union Reaches Tentative Deal With Ford After Six-Week Strike"),
    ("medtop:10000000", "Michelin-Starred Chef Opens New Restaurant in Paris"),
    ("medtop:11000000", "Labour Party Wins Landslide Victory in UK General Election"),
    ("medtop:12000000", "Pope Francis Calls for Peace in Christmas Message at the Vatican"),
    ("medtop:13000000", "OpenAI Unveils New AI Model That Can Reason Through Complex Problems"),
    ("medtop:14000000", "Record Number of Migrants Cross the Channel as Asylum Claims Rise"),
    ("medtop:15000000", "Manchester United Beat Liverpool 2-1 With Late Winner at Old Trafford"),
    ("medtop:15000000", "The striker scored a header just before half-time to give his team the lead."),
    ("medtop:16000000", "Israel and Hamas Agree to Ceasefire After Weeks of Fighting in Gaza"),
    ("medtop:17000000", "Heatwave Sends Temperatures Above 40C Across Southern Europe"),
    # Topics with weak vocabularies, and phrases that settle a contest between two topics.
    ("medtop:06000000", "Ministers Back Plan to Cut Carbon Emissions From Coal Plants"),
    ("medtop:08000000", "Bus Driver Wins Lottery Prize With Ticket Bought on Her Birthday"),
    ("medtop:09000000", "Film Crews Return to Work After Union Reaches Pay Deal"),
    ("medtop:10000000", "Second-Hand Handbag Prices Climb as Collectors Chase Vintage Designs"),
    ("medtop:13000000", "Samsung Unveils Thinner Smartwatch and Mixed-Reality Headset"),
    ("medtop:14000000", "Thousands March in Pride Parade as Marriage Equality Law Takes Effect"),
]


@pytest.mark.parametrize(("code", "text"), CASES)
def test_realistic_news_gets_its_topic_first(code: str, text: str) -> None:
    """Real-world headlines and sentences for every topic put the right topic first."""
    assert _codes(text)[:1] == [code]


# Short articles: (title, body, the topics that must come first, in order).
ARTICLES = [
    (
        "Arsenal 3-1 Chelsea: Saka double sends Gunners five points clear",
        "Bukayo Saka scored twice as Arsenal beat Chelsea 3-1 at the Emirates Stadium on Saturday.\n\n"
        "The winger opened the scoring with a low shot past the goalkeeper, before Cole Palmer equalised "
        "from the penalty spot just before half-time. Saka sealed the win in stoppage time.",
        ["medtop:15000000"],
    ),
    (
        "Voters head to the polls in tight German election",
        "Germans voted on Sunday in a federal election that polls suggest will bring the conservative "
        "opposition back to power.\n\nChancellor Olaf Scholz's Social Democrats trail the Christian "
        "Democrats. Coalition talks could take weeks.",
        [POLITICS],
    ),
    (
        "Hurricane makes landfall in Florida as Category 4 storm",
        "Thousands were evacuated as torrential rain and a storm surge hit the coast; two people died.",
        ["medtop:17000000", "medtop:03000000"],
    ),
]


@pytest.mark.parametrize(("title", "text", "expected"), ARTICLES)
def test_short_articles_get_their_topics_first(title: str, text: str, expected: list[str]) -> None:
    """A match report is sport, an election story politics, a hurricane weather then disaster."""
    topics = classify(_article(title, text))
    assert [topic.code for topic in topics][: len(expected)] == expected
    assert topics[0].score > 0.5


def test_scores_are_in_range_sorted_and_few() -> None:
    """Scores lie in [0, 1], best first, above the threshold, and at most three topics are given."""
    text = "Striker scores as police arrest fans; vaccine trial; election; hurricane; tariffs; church."
    for article in (_seed(), _article(text)):
        topics = classify(article)
        scores = [topic.score for topic in topics]
        assert scores == sorted(scores, reverse=True)
        assert all(MIN_SCORE <= score <= 1 for score in scores)
        assert 1 <= len(topics) <= MAX_TOPICS
        assert all(topic.label == TOPICS[topic.code] for topic in topics)


def test_nothing_matched_gives_no_topics() -> None:
    """No topical words, or text surely not English, give no topics; a shaky language guess does not."""
    assert classify(_article("Note", "I went to the shop and bought some bread.")) == []
    assert classify(_article("Die Wahl", "Die Wahl war knapp.", lang="de")) == []
    assert classify(_article("Ceasefire in Gaza", lang="fr", conf=0.3))


def test_title_weighs_more_than_body() -> None:
    """The same words count more in the title than in the body."""
    in_title = classify(_article("Election results", "The figures came in late."))
    in_body = classify(_article("Late figures", "The figures came in late. Election results."))
    assert in_title[0].code == in_body[0].code == POLITICS
    assert in_title[0].score > in_body[0].score


def test_longest_phrase_wins() -> None:
    """'clinical trial' counts for health and does not also count 'trial' for crime."""
    assert _codes("Drug succeeds in clinical trial") == [HEALTH]


def test_plurals_match_their_singular() -> None:
    """Terms are listed in the singular and still match plural forms in the text."""
    assert stem("elections") == stem("election")
    assert tokens("Companies' Tariffs and Taxes") == ["company", "tariff", "and", "tax"]
    assert _codes("Tariffs") == _codes("Tariff") == [ECONOMY]


def test_lexicon_covers_every_topic_substantially() -> None:
    """Each of the 17 top-level topics has at least 40 terms, phrases among them."""
    per_topic: dict[str, int] = {}
    for term, entries in lexicon().terms.items():
        for code, weight in entries:
            assert 0 < weight <= 3, term
            per_topic[code] = per_topic.get(code, 0) + 1
    assert set(per_topic) == set(TOPICS)
    assert min(per_topic.values()) >= 40


def test_lexicon_refuses_unknown_codes() -> None:
    """A typo in a topic code is an error at load time, not a silent unused row."""
    with pytest.raises(ValueError, match="unknown topic code"):
        Lexicon.parse("medtop:99000000\tgremlins\t3\n")


def test_lede_counts_more_than_later_paragraphs() -> None:
    """The first paragraph states the story; the same words deep in the body are context."""
    sport, business = "The striker scored twice.", "Shareholders cheered the dividend."
    filler = ["The weather was mild.", "Crowds were small.", "Tickets sold slowly.", "Parking was easy."]
    lede_sport = "\n\n".join([sport, *filler, business])
    lede_business = "\n\n".join([business, *filler, sport])
    assert _codes("Weekend round-up", lede_sport)[0] == SPORT
    assert _codes("Weekend round-up", lede_business)[0] == ECONOMY


def test_positions_weigh_title_then_lede_then_fading_body() -> None:
    """Title first, lede next, then each paragraph a little less, never below a floor."""
    body = "\n\n".join(f"Paragraph {n}." for n in range(1, 12))
    weights = [weight for weight, _ in zones(_article("Title", body))]
    assert weights[0] > weights[1] > weights[2] > weights[3]
    assert weights == sorted(weights, reverse=True)
    assert weights[-1] == weights[-2] > 0


def test_repeated_term_counts_logarithmically_from_its_best_place() -> None:
    """n mentions in like places make 1 + log(n); the best-placed mention counts in full."""
    lex = Lexicon.parse("medtop:15000000\tgoal\t2\n")
    alike, placed = Evidence(), Evidence()
    alike.add_term(("goal",), [1.0, 1.0, 1.0], lex)
    placed.add_term(("goal",), [1.0, 2.0], lex)
    assert alike.amounts[SPORT] == pytest.approx(2 * (1 + math.log(3)))
    assert placed.amounts[SPORT] == pytest.approx(2 * (2 + math.log(2)))


def test_politics_words_yield_to_the_subject_of_a_law() -> None:
    """A parliament debating a social issue is a society story: politics is where it happened."""
    assert _codes("Parliament debates homelessness") == [SOCIETY, POLITICS]


def test_business_words_yield_to_sport() -> None:
    """A footballer's investment is sport first; business words touch many sports stories."""
    assert _codes("Striker becomes shareholder") == [SPORT, ECONOMY]


def test_portfolio_minister_counts_for_the_portfolio() -> None:
    """'Health minister' is a health story; a minister without portfolio is politics."""
    assert _codes("Health Minister Resigns") == [HEALTH]
    assert _codes("Minister Resigns") == [POLITICS]


def test_compound_occupation_counts_once() -> None:
    """'Primary school teacher' is one education term, not 'primary school' plus 'teacher'."""
    (topic,) = classify(_article("Retired primary school teacher"))
    assert topic.evidence == ["primary school teacher"]


def test_verb_forms_the_stemmer_misses_are_listed() -> None:
    """'Evacuating' and 'polluting' are not folded to their stems, so the lexicon lists them."""
    assert _codes("Residents evacuating") == ["medtop:03000000"]
    assert _codes("Factory accused of polluting river")[0] == "medtop:06000000"


def test_named_age_and_first_person_quote_are_found() -> None:
    """An ordinary person's age and their own words are told apart from song titles and officials."""
    assert named_age("Edith Walker, 92, crossed the line.")
    assert not named_age("The index fell 92, then rose.")
    assert first_person_quote('"I never thought I would see the day," she said.')
    assert first_person_quote("\u201cMy whole family cried when we heard,\u201d he said.")
    assert not first_person_quote('Her song "What Was I Made For?" won.')
    assert not first_person_quote('"We will deliver the budget on time," the minister said.')


def test_human_interest_telling_tilts_a_close_call() -> None:
    """Given a grandmother's marathon, when she is named with her age and quoted, it is human interest."""
    told = (
        "Edith Walker, 92, crossed the line of the city marathon.\n\n"
        '"I never thought I would run one at my age," she said.'
    )
    plain = "A runner crossed the line of the city marathon.\n\nShe finished after seven hours."
    assert _codes("Grandmother Finishes Her First Marathon", told)[0] == HUMAN_INTEREST
    assert _codes("Grandmother Finishes Her First Marathon", plain)[0] == SPORT


def test_cues_alone_make_no_topic_and_are_not_evidence() -> None:
    """A cue says how a story is told, not what it is about: no topic from cues alone, none in evidence."""
    text = 'Edith Walker, 92, went to the shops.\n\n"I never thought I would see the day, my dear," she said.'
    assert classify(_article("Weekend round-up", text)) == []
    told = "Edith Walker, 92, bought a puppy.\n\n" + text.split("\n\n")[1]
    assert classify(_article("A new friend", told))[0].evidence == ["puppy"]
