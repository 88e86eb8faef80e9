"""The clean stage's pure logic: main text, normalisation, language, title and rejection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from services.clean.logic import TITLE_CHARS, clean
from services.cli.output import printable
from services.common.events.intake import ArticleIngestedV1, ArticleSubmittedV1, RejectReason
from services.common.rejection import Rejection
from services.ingest.logic import ingest

SEED = Path(__file__).parents[2] / "seeds" / "000_xiaomi_ev_mass_production.txt"

PAGE = """<!doctype html><html><head><title>Xiaomi to mass-produce EVs in 2024 | TechNews</title>
<style>.hidden { display: none } /* STYLE_TEXT */</style>
<script>var tracking = "SCRIPT_IN_HEAD";</script></head>
<body onload="track()">
<nav><ul><li><a href="/">Home</a></li><li><a href="/biz">Business</a></li></ul></nav>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
  <button onclick="acceptCookies()">Accept all cookies</button></div>
<div class="ad advertisement">Buy cheap watches now! Limited offer.</div>
<article>
<h1>Xiaomi to mass-produce EVs in 2024</h1>
<p>Xiaomi Corp. is gearing up to sell its own electric cars, and the company revealed that the
schedule for mass production was earlier than expected.</p>
<p onclick="steal()">The Chinese smartphone maker will start the mass production of its EVs in the
first two quarters of the year 2024, according to Reuters.</p>
<script>document.write("SCRIPT_IN_BODY")</script>
<iframe src="https://ads.example.com/frame">IFRAME_TEXT</iframe>
<p>It was in March when the company revealed it would be investing $10 billion to set up its electric
car business in the next ten years.</p>
</article>
<section class="comments" id="comments"><h3>Comments</h3>
<div class="comment"><p>First! This is a reader comment that should not survive.</p></div></section>
<footer><p>Copyright 2021 TechNews. All rights reserved.</p></footer>
</body></html>"""


def _ingested(**fields: Any) -> ArticleIngestedV1:
    base = {"article_id": "a1", "content_hash": "h1", "title": None, "body": None, "html": None}
    base |= {"url": "https://example.com/a1", "source": "Example", "published_at": "2021-10-19"}
    return ArticleIngestedV1(**{**base, "language": None, "size_bytes": 0, **fields})


def test_plain_body_becomes_paragraphs() -> None:
    """A plain English body with one paragraph per line comes out as blank-line separated paragraphs."""
    article = clean(_ingested(body=SEED.read_text(encoding="utf-8")))
    assert article.extractor == "plain"
    assert article.text.startswith("Xiaomi Corp. is gearing up")
    assert article.text.count("\n\n") == 9
    assert "\n\n\n" not in article.text
    assert article.word_count > 350
    assert (article.url, article.source, article.article_id) == ("https://example.com/a1", "Example", "a1")
    assert article.language == "en"
    assert article.language_confidence > 0.9


def test_html_keeps_only_the_article_text() -> None:
    """Navigation, cookie banner, ads, comments, footer, scripts, styles and iframes are dropped."""
    article = clean(_ingested(html=PAGE))
    assert article.extractor == "trafilatura"
    assert article.text.startswith("Xiaomi Corp. is gearing up")
    assert "investing $10 billion" in article.text
    leftovers = ("SCRIPT_IN", "STYLE_TEXT", "IFRAME_TEXT", "cookies", "watches", "reader comment")
    for leftover in (*leftovers, "onclick", "steal()", "Home", "Copyright", "<", ">"):
        assert leftover not in article.text


def test_html_title_comes_from_the_page_when_missing() -> None:
    """Without a submitted title the page title is used, and not repeated as the first paragraph."""
    article = clean(_ingested(html=PAGE))
    assert article.title == "Xiaomi to mass-produce EVs in 2024"
    assert not article.text.startswith(article.title)


def test_html_trafilatura_rejects_falls_back_to_lxml() -> None:
    """A page trafilatura finds no article in is flattened by lxml, still without scripts or frames."""
    html = (
        "<html><body><nav>Menu</nav><table><tr><td>Xiaomi shares rose five percent.</td></tr>"
        "<tr><td onclick='x()'>Baidu joined the game.</td></tr></table><script>alert('SCRIPT')</script>"
        "<iframe>IFRAME_TEXT</iframe><!-- COMMENT --></body></html>"
    )
    article = clean(_ingested(html=html, title="Xiaomi"))
    assert article.extractor == "lxml"
    assert article.text == "Xiaomi shares rose five percent.\n\nBaidu joined the game."


def test_xml_declaration_does_not_lose_the_page() -> None:
    """XHTML with an encoding declaration is still read, not rejected as empty."""
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>Shares rose on Tuesday.</p></body></html>'
    assert clean(_ingested(html=html)).text == "Shares rose on Tuesday."


def test_stray_markup_in_body_is_removed() -> None:
    """Tags and entities left in a plain body are stripped and unescaped, scripts included."""
    body = "<p>Profits rose&nbsp;5% at AT&amp;T.</p><script>alert('SCRIPT')</script><p>Shares fell.</p>"
    article = clean(_ingested(body=body, title="AT&amp;T results"))
    assert article.title == "AT&T results"
    assert article.text == "Profits rose 5% at AT&T.\n\nShares fell."
    assert article.extractor == "lxml"


def test_unicode_is_nfc_and_whitespace_is_normalised() -> None:
    """Decomposed accents compose, invisible characters go, curly quotes stay, spaces collapse."""
    body = "Cafe\u0301  \u201cprices\u201d\u00a0rise\u200b.\r\nSoft\u00adhyphen\x07 and\ttabs."
    body += "\r\n\r\n\r\nEnd\u2026"
    article = clean(_ingested(body=body, title="  Caf\u0065\u0301\n news "))
    assert article.title == "Caf\u00e9 news"
    assert article.text == "Caf\u00e9 \u201cprices\u201d rise. Softhyphen and tabs.\n\nEnd\u2026"


def test_line_breaks_are_paragraphs_only_without_blank_lines() -> None:
    """Blank lines separate paragraphs; where there are none, each line is a paragraph."""
    wrapped = clean(_ingested(body="One long paragraph\nwrapped here.\n\nSecond paragraph."))
    assert wrapped.text == "One long paragraph wrapped here.\n\nSecond paragraph."
    per_line = clean(_ingested(body="First paragraph.\nSecond paragraph.\r\nThird."))
    assert per_line.text == "First paragraph.\n\nSecond paragraph.\n\nThird."


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("Der Bundestag hat am Donnerstag ein neues Gesetz zur Förderung erneuerbarer Energien "
         "beschlossen. Die Opposition kritisierte den Entwurf als unzureichend.", "de"),
        ("Le gouvernement français a annoncé mardi une série de mesures pour soutenir le pouvoir "
         "d'achat des ménages face à la hausse des prix de l'énergie.", "fr"),
        ("El Gobierno español aprobó el martes un paquete de medidas para frenar la subida de los "
         "precios de la vivienda en las grandes ciudades.", "es"),
    ],
)  # fmt: skip
def test_other_languages_are_detected(body: str, language: str) -> None:
    """German, French and Spanish news text is identified correctly."""
    article = clean(_ingested(body=body))
    assert article.language == language
    assert 0.8 < article.language_confidence <= 1


def test_publisher_hint_wins_on_short_text() -> None:
    """When the text is too short for the detector to be sure, the publisher's hint is used."""
    article = clean(_ingested(title="Bayern siegt", body=None, language="de-DE"))
    assert article.language == "de"
    assert 0 <= article.language_confidence <= 1


def test_confident_detection_overrides_a_wrong_hint() -> None:
    """A publisher that labels every article 'en' does not make a long German text English."""
    body = "Der Bundestag hat am Donnerstag ein neues Gesetz beschlossen. Die Opposition kritisierte es."
    assert clean(_ingested(body=body, language="en")).language == "de"


def test_too_short_text_is_undetermined() -> None:
    """A few letters without a hint give 'und' with zero confidence."""
    article = clean(_ingested(body="Xiaomi EV"))
    assert (article.language, article.language_confidence) == ("und", 0.0)


def test_title_only_article_uses_title_as_text() -> None:
    """A headline without a body is kept, with the headline as its text, so search can find it."""
    title = "Yen Slides as Japan Election Boosts Fiscal Stimulus Expectations"
    article = clean(_ingested(title=title, body=""))
    assert article.title == article.text == title
    assert (article.word_count, article.language) == (9, "en")


def test_missing_title_is_taken_from_the_first_sentence() -> None:
    """Without a title, the first sentence (past abbreviations) becomes one, cut to fit."""
    short = clean(_ingested(body="Mr. Lei met U.S. investors. Then he left for Beijing.\nSecond paragraph."))
    assert short.title == "Mr. Lei met U.S. investors. Then he left for Beijing."
    long = clean(_ingested(body=SEED.read_text(encoding="utf-8")))
    assert long.title.startswith("Xiaomi Corp. is gearing up")
    assert long.title.endswith("\u2026")
    assert len(long.title) <= TITLE_CHARS


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "  \n\u00a0\u200b "},
        {"body": "<p> </p>&nbsp;<script>alert(1)</script>", "title": " "},
        {"html": "<html><body><script>alert(1)</script></body></html>"},
    ],
)
def test_empty_article_is_rejected(fields: dict[str, str]) -> None:
    """Nothing left after cleaning, and no title, is an EMPTY_TEXT rejection."""
    with pytest.raises(Rejection) as caught:
        clean(_ingested(**fields))
    assert caught.value.reason is RejectReason.EMPTY_TEXT


def test_control_characters_beside_markup_are_dropped_not_raised_on() -> None:
    """ESC, BEL, backspace and NUL next to a <script> used to make lxml raise; now they just go."""
    article = ingest(
        ArticleSubmittedV1(
            title="Bell \x07 rings \x1b[31m",
            body="Hello \x1b[2J world \x07 bell \x08 back \x00 <script>alert(1)</script> and more text.",
        )
    )
    cleaned = clean(article)
    assert cleaned.text == "Hello [2J world bell back and more text."
    assert cleaned.title == "Bell rings [31m"


def test_printable_shows_control_characters_instead_of_sending_them() -> None:
    """What a reader prints from the log cannot clear the screen or ring the bell."""
    assert printable("a\x1b[2Jb\x07c\x08d\x9be\nf\tg") == "a\u241b[2Jb\ufffdc\ufffdd\ufffde\nf\tg"
