"""The words the benchmark corpus is written with: names the gazetteers know, themes, sentence templates.

Slots in templates: ``{org}``, ``{org2}``, ``{person}``, ``{place}``, ``{money}``, ``{pct}``, ``{date}``,
``{number}``, ``{term}``, ``{term2}`` (a phrase of the article's theme), ``{outlet}``.
"""

from __future__ import annotations

# fmt: off
ORGS = (
    "Apple", "Microsoft", "Alphabet", "Amazon", "Nvidia", "Intel", "TSMC", "Samsung", "Qualcomm",
    "IBM", "Oracle", "Huawei", "Xiaomi", "Sony", "Foxconn", "OpenAI", "Netflix", "Uber", "PayPal",
    "Alibaba", "Tencent", "Baidu", "SoftBank", "SAP", "Siemens", "Nokia", "Infosys", "Tesla", "BYD",
    "SpaceX", "Toyota", "Volkswagen", "Shell", "BP", "Airbus", "Boeing", "HSBC", "Goldman Sachs",
    "JPMorgan", "Pfizer", "Moderna", "Unilever", "Nestle",
)
PEOPLE = (
    "Donald Trump", "Joe Biden", "Xi Jinping", "Vladimir Putin", "Volodymyr Zelensky", "Narendra Modi",
    "Keir Starmer", "Emmanuel Macron", "Friedrich Merz", "Giorgia Meloni", "Ursula von der Leyen",
    "Jerome Powell", "Christine Lagarde", "Janet Yellen", "Scott Bessent", "Elon Musk", "Tim Cook",
    "Satya Nadella", "Jensen Huang", "Sam Altman", "Mark Zuckerberg", "Sundar Pichai", "Lei Jun",
)
PLACES = (
    "the United States", "China", "Japan", "Germany", "France", "India", "Brazil", "the United Kingdom",
    "Canada", "Mexico", "Australia", "South Korea", "Taiwan", "Singapore", "Hong Kong", "London",
    "New York", "Tokyo", "Beijing", "Shanghai", "Berlin", "Paris", "Brussels", "Washington", "Mumbai",
    "Frankfurt", "Geneva", "Dubai", "Sao Paulo", "Toronto",
)
OUTLETS = (
    ("Harbour Street Journal", "hsj.example.com"), ("Daily Ledger", "dailyledger.example.org"),
    ("Pacific Wire", "pacificwire.example.net"), ("Continental Times", "ctimes.example.com"),
    ("Morning Register", "register.example.co.uk"), ("Market Bulletin", "bulletin.example.com"),
)
CURRENCIES = (("$", ""), ("€", ""), ("£", ""), ("", " yen"), ("", " yuan"), ("US$", ""))
SCALES = ("million", "billion", "thousand")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RELATIVE = ("last week", "earlier this month", "next quarter", "last year", "this year", "next month")

#: Theme -> (section of the URL, phrases the classifier's lexicon knows).
THEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "markets": ("business", (
        "quarterly earnings", "revenue", "share price", "investors", "stock market", "bond yields",
        "inflation", "interest rates", "central bank", "profit warning", "dividend", "merger",
        "acquisition", "hedge funds", "the Nasdaq", "trade deficit", "tariffs", "exports",
    )),
    "technology": ("technology", (
        "artificial intelligence", "semiconductors", "chip factory", "cloud computing", "software",
        "smartphone", "data centre", "cybersecurity", "startup", "venture capital", "robotics",
        "electric vehicles", "battery technology", "satellite internet", "quantum computing",
    )),
    "politics": ("politics", (
        "election", "parliament", "coalition government", "opposition party", "legislation",
        "prime minister", "minister", "sanctions", "diplomatic talks", "summit", "ceasefire",
        "voters", "campaign", "referendum", "foreign policy",
    )),
    "energy": ("climate", (
        "crude oil", "natural gas", "renewable energy", "solar power", "wind farms", "emissions",
        "climate change", "carbon tax", "power grid", "nuclear plant", "heatwave", "drought",
        "flooding", "electricity prices", "oil output",
    )),
    "health": ("health", (
        "vaccine", "clinical trial", "hospital", "patients", "public health", "drug approval",
        "pandemic", "obesity drug", "cancer treatment", "health insurance", "regulators", "doctors",
    )),
    "sport": ("sport", (
        "the championship", "football club", "the World Cup", "tennis", "the final", "coach",
        "the league", "transfer fee", "Olympic Games", "the season", "stadium", "the tournament",
    )),
}

TITLES = (
    "{org} {verb} as {term} {moves}",
    "{place} {term} {moves} after {person} comments",
    "{org} to invest {money} in {term}",
    "{person} says {term} will {future} in {place}",
    "{org} and {org2} agree {money} deal on {term}",
    "{term} {moves} {pct} in {place} amid {term2} concerns",
    "Why {term} matters for {org} in {date}",
)
TITLE_VERBS = ("rallies", "slips", "surges", "stumbles", "rebounds", "cuts jobs", "beats forecasts")
MOVES = ("climbs", "falls", "jumps", "slides", "steadies", "tumbles", "edges higher")
FUTURE = ("grow", "slow", "recover", "face pressure", "double", "stabilise")

SENTENCES = (
    "{org} said on {weekday} that its {term} business grew {pct} from a year earlier, to {money}.",
    "{person} told reporters in {place} that {term} would remain a priority through {date}.",
    "Analysts at {org2} expect {term} to rise by {pct} this year, citing {term2}.",
    "The company, based in {place}, plans to spend {money} on {term} over the next {number} years.",
    "Shares of {org} fell {pct} in {place} trading after the announcement on {date}.",
    "According to {outlet}, {org} and {org2} have held talks about {term} since {date}.",
    "{person} said the deal, worth about {money}, would create {number} jobs in {place}.",
    "Officials in {place} warned that {term} could cost the economy {money} by {date}.",
    "The figures, released on {date}, showed {term} up {pct} and {term2} down {pct2}.",
    "\"We are confident about {term},\" {person} said in a statement on {weekday}.",
    "{org} reported {money} in revenue for the quarter, while {term2} rose {pct}.",
    "Investors in {place} have pushed {term} higher by {pct} {relative}, data from {org2} showed.",
    "{person} is due to meet executives from {org} in {place} on {date} to discuss {term}.",
    "Critics say {term} has left {number} households in {place} worse off since {date}.",
    "The {term} market in {place} is now worth about {money}, up from {money2} {relative}.",
    "{org2} cut its forecast for {term} to {pct}, blaming {term2} and weaker demand from {place}.",
    "A spokesperson for {org} declined to comment on {term} but said talks would resume {relative}.",
    "Some {number} people attended the event in {place}, where {person} spoke about {term}.",
    "The regulator fined {org} {money} on {date} over its handling of {term}.",
    "{org} said {term} accounted for {pct} of sales, compared with {pct2} {relative}.",
)
#: Sentences with no number in them: context, quotes and background, most of a real article.
NARRATIVE = (
    "The move reflects growing pressure on companies such as {org} to show results in {term}.",
    "{person} has repeatedly argued that {term} deserves more attention from policymakers.",
    "Executives at {org} have described {term} as central to the group's long-term strategy.",
    "\"This is a turning point for {term},\" said an adviser who asked not to be named.",
    "Rivals including {org2} are expected to respond with plans of their own.",
    "The debate over {term} has divided lawmakers in {place} for much of the year.",
    "People familiar with the matter said the talks were at an early stage and could still collapse.",
    "Critics warned that the plan leaves important questions about {term2} unanswered.",
    "Supporters say the approach could make {place} a leader in {term}.",
    "{org} did not respond to a request for comment on Friday.",
    "The announcement came as {person} prepared for a visit to {place}.",
    "Industry groups welcomed the decision but called for clearer rules on {term2}.",
    "It was not immediately clear how the changes would affect customers in {place}.",
    "Analysts said the outcome would depend largely on demand for {term}.",
    "The company has faced criticism from investors over its handling of {term2}.",
    "Local officials in {place} said they had not been consulted about the plans.",
)
#: Share of sentences drawn from ``NARRATIVE`` rather than ``SENTENCES`` (which carry the numbers).
NARRATIVE_SHARE = 0.65
# fmt: on
