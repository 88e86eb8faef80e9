"""Hand-written rewrites of wire stories (not the evaluation gold): each original with a republished
version under another headline, lightly edited, and articles on the same subjects that are other stories."""

from __future__ import annotations

ECB = (
    "The European Central Bank kept its main interest rates unchanged on Thursday, saying inflation in "
    "the euro zone was falling broadly as expected but that wage growth remained too strong to declare "
    "victory. President Christine Lagarde told reporters in Frankfurt that the governing council had not "
    "discussed cutting rates and that policy would stay restrictive for as long as necessary.\n\n"
    "Consumer prices rose 2.9 percent in the year to October, down from a peak of more than ten percent "
    "last autumn, while core inflation, which strips out food and energy, eased to 4.2 percent. The bank "
    "said its staff projections showed inflation returning to its two percent target during 2025.\n\n"
    "Markets have priced in several rate cuts next year, a view Lagarde pushed back against. Economists "
    "at several large banks said the first cut was unlikely before the summer, given the tight labour "
    "market and the risk that energy prices rise again over the winter."
)
ECB_REWRITE = (
    "The European Central Bank left its key interest rates unchanged on Thursday, saying inflation in "
    "the euro zone was falling broadly as expected but that wage growth remained too strong to declare "
    "victory. President Christine Lagarde told reporters in Frankfurt that the governing council had not "
    "discussed cutting rates and that policy would stay restrictive for as long as necessary.\n\n"
    "Consumer prices rose 2.9 percent in the year to October, down from a peak of more than ten percent "
    "last autumn, while core inflation, which strips out food and energy, eased to 4.2 percent. The bank "
    "said its own projections showed inflation returning to its two percent target during 2025.\n\n"
    "Investors have priced in several rate cuts next year, a view Lagarde pushed back against. Economists "
    "at several large banks said the first cut was unlikely before the summer, given the tight labour "
    "market."
)
ECB_OTHER = (
    "The European Central Bank raised its deposit rate by a quarter point to a record four percent on "
    "Thursday, its tenth consecutive increase, and signalled that borrowing costs may now have peaked. "
    "The decision split the governing council, with several members arguing for a pause as the euro zone "
    "economy stagnates.\n\n"
    "Christine Lagarde said rates would stay at sufficiently restrictive levels for as long as necessary, "
    "but declined to say whether the bank was done. Consumer prices rose 5.3 percent in August, more than "
    "twice the two percent target, and staff projections raised the inflation forecast for next year. "
    "Bond yields fell and the euro weakened after the announcement."
)

QUAKE = (
    "A magnitude 6.8 earthquake struck the High Atlas mountains of Morocco late on Friday, killing more "
    "than 2,000 people and flattening villages of mud brick houses south of Marrakech, the interior "
    "ministry said. Rescue teams worked through the night to pull survivors from the rubble as aftershocks "
    "shook the region.\n\n"
    "The quake was the strongest to hit the country in more than a century. Roads into the mountains were "
    "blocked by fallen rocks, slowing the arrival of ambulances and heavy equipment, and many families "
    "slept in the open for a second night.\n\n"
    "King Mohammed VI declared three days of national mourning and ordered the armed forces to deploy "
    "search and rescue teams. Spain, Britain, Qatar and the United Arab Emirates sent specialist crews."
)
QUAKE_REWRITE = (
    "A powerful 6.8 magnitude earthquake struck the High Atlas mountains of Morocco late on Friday, "
    "killing more than 2,000 people and flattening villages of mud brick houses south of Marrakech, the "
    "interior ministry said. Rescue teams worked through the night to pull survivors from the rubble as "
    "aftershocks shook the region.\n\n"
    "It was the strongest quake to hit the country in more than a century. Roads into the mountains were "
    "blocked by fallen rocks, slowing the arrival of ambulances and heavy equipment, and many families "
    "slept in the open for a second night.\n\n"
    "King Mohammed VI declared three days of national mourning and ordered the armed forces to deploy "
    "search and rescue teams. Spain, the United Kingdom, Qatar and the United Arab Emirates sent crews."
)
QUAKE_OTHER = (
    "Morocco began rebuilding villages in the High Atlas on Monday, a year after the earthquake that "
    "killed nearly 3,000 people, but many families still live in tents as winter approaches. The "
    "government said it had paid monthly aid to more than 60,000 households and approved plans for "
    "50,000 new homes.\n\n"
    "Residents of Amizmiz and Talat N'Yaaqoub complained that the money arrived late and that building "
    "permits took months. The interior ministry said reconstruction would respect the traditional "
    "architecture of the region while meeting new seismic standards."
)

CHIPS = (
    "Nvidia reported quarterly revenue of 18.1 billion dollars on Tuesday, nearly three times what it "
    "made a year earlier, as cloud companies raced to buy its chips for artificial intelligence. Sales "
    "at its data centre business rose to 14.5 billion dollars, beating analysts' forecasts.\n\n"
    "The company said new export rules for China would hurt sales there in the current quarter but that "
    "strong demand elsewhere would more than make up for it. Chief executive Jensen Huang said the "
    "transition to accelerated computing was only beginning.\n\n"
    "Shares of the chipmaker, which have more than tripled this year, fell one percent in extended trading."
)
CHIPS_REWRITE = (
    "Nvidia on Tuesday reported quarterly revenue of 18.1 billion dollars, nearly three times what it "
    "made a year earlier, as cloud companies raced to buy its chips for artificial intelligence. Sales "
    "at its data centre business rose to 14.5 billion dollars, beating analysts' forecasts.\n\n"
    "The company said new export rules for China would hurt sales there in the current quarter but that "
    "strong demand elsewhere would more than make up for it. Chief executive Jensen Huang said the "
    "shift to accelerated computing was only beginning.\n\n"
    "Shares of the chipmaker, which have more than tripled this year, fell one percent after hours."
)
CHIPS_OTHER = (
    "AMD unveiled a new artificial intelligence chip on Wednesday to challenge Nvidia in data centres, "
    "saying cloud companies including Microsoft and Oracle would use it. Chief executive Lisa Su said "
    "the market for accelerators in data centres could reach 400 billion dollars by 2027.\n\n"
    "Analysts said the chip was competitive on memory but that Nvidia's software remained an advantage. "
    "Shares of AMD fell one percent, while Nvidia shares rose slightly."
)

#: (original, rewrite): the same story, to be linked.
REWRITES = [(ECB, ECB_REWRITE), (QUAKE, QUAKE_REWRITE), (CHIPS, CHIPS_REWRITE)]
#: Other stories on the same subjects: linked to nothing.
OTHERS = [ECB_OTHER, QUAKE_OTHER, CHIPS_OTHER]
