"""Money and percentages: surface form, value, ISO currency, offset; and what is neither."""

from __future__ import annotations

import pytest

from services.enrich.numbers import find_money, find_percentages, headline_money
from services.enrich.numwords import parse_number


@pytest.mark.parametrize(
    ("text", "surface", "value", "currency"),
    [
        ("it would be investing $10 billion to set up", "$10 billion", 1e10, "USD"),
        ("Uber Ordered to Pay $8.5 Million in Lawsuit", "$8.5 Million", 8.5e6, "USD"),
        ("Once Upon a Farm Raises Nearly $198 Million in IPO", "$198 Million", 1.98e8, "USD"),
        ("a €3.2bn takeover", "€3.2bn", 3.2e9, "EUR"),
        ("fined £450m by the regulator", "£450m", 4.5e8, "GBP"),
        ("a ¥1.2 trillion stimulus", "¥1.2 trillion", 1.2e12, "JPY"),
        ("raised US$5 million", "US$5 million", 5e6, "USD"),
        ("a HK$2 billion placement", "HK$2 billion", 2e9, "HKD"),
        ("invest 10 billion yuan in chips", "10 billion yuan", 1e10, "CNY"),
        ("a Rs 500 crore order", "Rs 500 crore", 5e9, "INR"),
        ("bonds worth USD 5 billion", "USD 5 billion", 5e9, "USD"),
        ("ten billion dollars in aid", "ten billion dollars", 1e10, "USD"),
        ("a deal worth 3 million Swiss francs", "3 million Swiss francs", 3e6, "CHF"),
        ("priced at $300,000.", "$300,000", 3e5, "USD"),
        ("Safaricom made KSh 69.8 billion", "KSh 69.8 billion", 6.98e10, "KES"),
        ("a N$825 million plan", "N$825 million", 8.25e8, "NAD"),
        ("Eskom owes R28 billion", "R28 billion", 2.8e10, "ZAR"),
        ("a ₹1,000-crore deal", "₹1,000-crore", 1e10, "INR"),
        ("a bar now costs 89p.", "89p", 0.89, "GBP"),
        ("Nairobi doctors earn 70,000 shillings a month", "70,000 shillings", 7e4, "KES"),
        ("In Buenos Aires a box costs 33,000 pesos", "33,000 pesos", 3.3e4, "ARS"),
        ("a loan of 2 billion Mexican pesos", "2 billion Mexican pesos", 2e9, "MXN"),
    ],
)
def test_money_amounts_have_value_and_iso_currency(
    text: str, surface: str, value: float, currency: str
) -> None:
    """Symbols, codes and currency words, with scale words spelled out or abbreviated."""
    [money] = find_money(text)
    assert (money.text, money.currency) == (surface, currency)
    assert money.value == pytest.approx(value)
    assert text[money.offset :].startswith(surface)


def test_money_range_takes_its_lower_bound() -> None:
    """'$5-6 billion' keeps the whole range as text and 5e9 as value."""
    [money] = find_money("a $5-6 billion budget")
    assert (money.text, money.value) == ("$5-6 billion", 5e9)


@pytest.mark.parametrize(
    "text",
    [
        "5 million pounds of beef were recalled",
        "the parcel weighed 20 pounds",
        "the team won 3 games",
        "it has 300 employees in the next ten years",
        "the 2024 H1 target",
        "DeepSeek's R1 model",
        "streams in 720p and 1080p",
        "rubber soles for 40 shoes",
        "it costs 500 shillings",  # no country named: which shilling is unknown
    ],
)
def test_numbers_that_are_not_money(text: str) -> None:
    """Weights, verbs and plain counts are not amounts of money."""
    assert find_money(text) == []


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("shares increased by five percent after", "five percent", 5.0),
        ("a 25% tariff", "25%", 25.0),
        ("inflation of 3.5 per cent", "3.5 per cent", 3.5),
        ("up twenty-five percent", "twenty-five percent", 25.0),
        ("one hundred percent sure", "one hundred percent", 100.0),
        ("a cut of 0.25 percentage point", "0.25 percentage point", 0.25),
        ("raised rates by 25 basis points", "25 basis points", 0.25),
        ("a 50 bps hike", "50 bps", 0.5),
        ("fell -3% on the day", "-3%", -3.0),
        ("short of the 5-percent threshold", "5-percent", 5.0),
    ],
)
def test_percentages_are_in_percent(text: str, surface: str, value: float) -> None:
    """Digits or words before %, percent, per cent, points; basis points become hundredths."""
    [percent] = find_percentages(text)
    assert percent.text == surface
    assert percent.value == pytest.approx(value)
    assert text[percent.offset :].startswith(surface)


@pytest.mark.parametrize("text", ["someone percent", "the percentage of voters", "his 5 percentile rank"])
def test_words_that_are_not_percentages(text: str) -> None:
    """Number words inside other words and 'percentage' alone are not percentages."""
    assert find_percentages(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,250.5", 1250.5), ("five", 5), ("twenty-five", 25), ("a hundred", 100), ("two hundred and ten", 210)],
)
def test_number_words_and_digits_parse(text: str, value: float) -> None:
    """Digits with thousands separators and English number words up to the hundreds."""
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("gasoline rose to 33.1 cents a litre", 0.331, "USD"),
        ("the Australian dollar climbed to 68 U.S. cents", 0.68, "USD"),
        ("a stamp now costs 85 pence", 0.85, "GBP"),
    ],
)
def test_cents_and_pence_are_hundredths_of_the_unit(text: str, value: float, currency: str) -> None:
    """'33.1 cents' is 0.331 dollars: the amount is always in units of the currency."""
    [money] = find_money(text)
    assert (money.value, money.currency) == (pytest.approx(value), currency)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("valued at about 2.9 trillion Danish crowns", "DKK"),
        ("a prize of 11 million Swedish kronor", "SEK"),
        ("Norway's fund sold shares worth 1.4 billion crowns", "NOK"),
    ],
)
def test_crowns_take_the_currency_of_their_country(text: str, currency: str) -> None:
    """Crowns and kronor are DKK, SEK or NOK by adjective, or by the country the text names."""
    [money] = find_money(text)
    assert money.currency == currency


def test_crowns_without_a_country_are_not_money() -> None:
    """Bare 'crowns' with no Nordic or Czech cue could be anything: no amount is guessed."""
    assert find_money("the dentist fitted 3 crowns") == []


def test_lakh_crore_is_a_trillion() -> None:
    """'30 lakh crore rupees' is 30 x 1e5 x 1e7 = 3e13 INR."""
    [money] = find_money("a budget of 30 lakh crore rupees")
    assert (money.value, money.currency) == (3e13, "INR")


def test_percentage_range_is_two_positive_values() -> None:
    """'4.50%-4.75%' is 4.50 and 4.75; the dash between them is not a minus sign."""
    assert [p.value for p in find_percentages("a target range of 4.50%-4.75%")] == [4.5, 4.75]


def test_headline_dollar_takes_the_currency_of_the_body_amount() -> None:
    """An Australian story's '$4 Million' headline rounds the body's 'A$4.1 million'."""
    [money] = headline_money("Bank Manager Jailed for $4 Million Fraud", find_money("stole A$4.1 million"))
    assert (money.value, money.currency, money.offset) == (4e6, "AUD", 0)


def test_headline_amount_repeated_in_the_body_is_not_added() -> None:
    """The title only adds amounts the text does not state."""
    assert headline_money("Nvidia Tops $2 Trillion", find_money("valued at $2 trillion")) == []
