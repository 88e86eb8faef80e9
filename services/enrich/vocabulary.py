"""Closed word classes the pattern recogniser relies on: titles, stop words, organisation suffixes."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised forms of job titles and honorifics; inside a capitalised run they introduce a name.
TITLE_TOKENS = _words("""
    President Vice Prime Minister Chancellor Governor Gov. Senator Sen. Rep. Representative
    Secretary Chairman Chairwoman Chairperson Chair Chief Executive Officer CEO CFO COO CTO
    Director Dr. Dr Mr. Mr Mrs. Mrs Ms. Ms Prof. Professor King Queen Prince Princess Pope
    Gen. Judge Justice Mayor Deputy Spokesman Spokeswoman Spokesperson Ambassador Envoy
    Founder Co-founder Cofounder Coach Captain Commissioner Premier Leader Speaker Sheikh Emir
    Crown Ayatollah Lt. Col. Adm. Sgt. Attorney Foreign Finance Defense Defence Trade Commerce
    Interior Economy Economist Analyst Strategist Head Managing Senior Lead Manager President-elect
    Lawmaker Minister-President Officer Superintendent Inspector Detective Sergeant Counsel
    Prosecutor Solicitor General Cardinal Bishop Archbishop Rabbi Imam Reverend Rev. Father Sister
    Magistrate Sheriff Commander Colonel Lieutenant Admiral Brigadier Marshal Constable Dame Lord
    Lady Baroness Baron Duke Duchess Emperor Empress Astronaut Physicist Chemist Substitute
    Striker Midfielder Defender Goalkeeper Quarterback Forward Winger Pitcher Skipper Opener
    Batter Bowler Chef Designer Actor Actress Singer Rapper Director-General Secretary-General
""")

# Title words that only modify the next one ('Trade Minister'): alone they do not introduce a name.
TITLE_MODIFIERS = _words("""
    Vice Prime Deputy Foreign Finance Defense Defence Trade Commerce Interior Economy Senior
    Managing Lead Chief Crown Head Solicitor Attorney
""")

# Lower-case titles that, right before a capitalised name ('director, Zang Ziyuan'), mark a person.
TITLE_WORDS = (
    "chief executive officer|chief executive|chief financial officer|chief operating officer|"
    "chief technology officer|chief investment officer|chief economist|chief strategist|"
    "managing director|executive director|vice president|prime minister|foreign minister|"
    "finance minister|head coach|co-founder|founder|chairman|chairwoman|chairperson|chair|"
    "president|director|manager|spokesperson|spokesman|spokeswoman|analyst|economist|strategist|"
    "minister|secretary|senator|governor|mayor|judge|professor|coach|captain|striker|midfielder|"
    "defender|goalkeeper|quarterback|chancellor|lawmaker|legislator|congressman|congresswoman|"
    "ambassador|envoy|researcher|scientist|attorney|lawyer|prosecutor|commissioner|premier|"
    "leader|deputy|partner|trader|investor|billionaire|entrepreneur|actor|actress|singer|"
    "reporter|correspondent|editor|CEO|CFO|COO|CTO|boss|head|said|says|told|according to|chief|"
    "administrator|wicketkeeper|batter|bowler|all-rounder|winger|forward|widow|widower|"
    "reporting by|editing by|writing by|additional reporting by|compiled by"
)
# Occupations by their ending, right before a name ('said glaciologist Lena Hartmann'); after a name
# they describe someone else too often ('..., a group founded by activist Edward Blum').
OCCUPATION_BEFORE = r"[a-z]{3,}(?:ologist|ician|ographer|ist)"

# Verbs of speech after a name ('Jane Doe said') mark a person.
SPEECH_VERBS = (
    "said|says|told|added|wrote|noted|argued|explained|stated|warned|insisted|announced|tweeted|"
    "posted|replied|recalled|confirmed|acknowledged|admitted|declined|stressed|urged|predicted"
)

# Capitalised words that start sentences or headings but never start or belong to a name.
STOP_TOKENS = _words("""
    The A An This That These Those It Its He She They We I You His Her Their Our My Your In On At
    For From With By Of To As And But Or Nor So Yet If When While Where Why How What Who Which
    After Before Since Until During Although Though Because Meanwhile However According Also Still
    Then Now Later Earlier Today Yesterday Tomorrow Last Next First Second Third Finally Moreover
    Furthermore Instead Thus Therefore Indeed Overall Despite Amid Among Under Over Above Below
    Between Against Without Within Through About Like Unlike Such Many Most Some Several Both Each
    Every All Any No Not Only Even Just More Less Other Another Here There Once Already Almost
    Nearly Around Perhaps Maybe Yes Analysts Investors Officials Shares Sources Experts Critics
    Residents People Breaking Update Updated Read Watch Photo Video Image Source Click Subscribe
    Advertisement Related Share Reporting Editing Writing Additional Copyright Aiming
    January February March April May June July August September October November December Jan.
    Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday Mon Tue Wed Thu Fri Sat Sun Christmas Easter Ramadan Sir Madam Dear
    Asked Speaking Writing Citing Following Given Having Being Let Please Thanks Thank EV AI
""")

# Months and weekdays: a date after a name ends it ('the Senate on Tuesday').
CALENDAR_TOKENS = _words("""
    January February March April May June July August September October November December Jan.
    Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec. Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday Today Yesterday Tomorrow
""")

# Words that end an organisation's name ('Xiaomi Corp.', 'Shenzhen Development Bank').
ORG_SUFFIXES = _words("""
    Corp. Corp Corporation Inc. Inc Incorporated Ltd Ltd. Limited LLC L.L.C. LLP PLC Plc plc AG SA
    S.A. SE NV N.V. GmbH Co. Company Group Bank Motors Holdings Holding Agency Ministry University
    College Institute Association Federation Council Commission Committee Authority Party Foundation
    Fund Department Airlines Airways Technologies Technology Systems Industries Pharmaceuticals
    Securities Capital Partners Ventures Labs Studios Entertainment Electronics Telecom
    Communications Insurance Investments Bureau Board Exchange Hospital School Society Organization
    Organisation Institution Consortium Cooperative Trust Bancorp Financial Energy Petroleum Mining
    Economics Research Analytics Advisors Advisers Consulting Management Associates Solutions
    Resources Logistics Robotics Automotive Aerospace Therapeutics Biosciences Sciences
    Service Services Center Centre Guild Guard Forces Church Academy Pictures Workers Societies
    Producers Leaders Program Programme Network News Police Army Navy Union League Club Alliance
    Coalition Parliament Assembly Congress Tribunal Museum Library Laboratory Laboratories
    Observatory Railway Railways Motor Electric Power Brands Stores Media Broadcasting Sports
    Office Court Secretariat Directorate Inspectorate Agencies International Records Makers Command
    Survey Branch Unit Communion Fighters Movement Front Brigade Battalion Regulator Mission
    Administration
""")

# Suffixes that may follow a known company and still mean the same company ('Xiaomi Corp.').
COMPANY_SUFFIXES = (
    r"Corp\.|Corp|Corporation|Inc\.|Inc|Co\.|Co|Ltd\.|Ltd|Limited|"
    r"Group|Holdings|PLC|plc|AG|SA|SE|NV|LLC|Motors"
)

# Heads of an 'X of Y' organisation name ('Ministry of Finance', 'University of Tokyo').
ORG_HEADS = (
    "Ministry|Department|University|Bank|Institute|Bureau|Office|Court|Commission|Council|Academy|"
    "Federation|Association|Chamber|Museum|Church|Board|Embassy|Agency|College|School|Union|League|"
    "Party|Service|Guild|Alliance|Society|Organization|Organisation|Centre|Center|Tribunal|"
    "Parliament|Assembly|Senate|Committee|Authority|Administration|Corporation|Foundation|Fund|"
    "Confederation|Coalition|Institution|Laboratory|Library|Hospital"
)

# Words that end the name of a place ('French Broad River', 'Allegiant Stadium', 'Noto Peninsula').
PLACE_FEATURES = (
    "River|Sea|Ocean|Mountains|Mountain|Peninsula|Prefecture|Province|Island|Islands|Bay|Gulf|"
    "Strait|Canal|Desert|Valley|Falls|Lake|Glacier|Volcano|Basin|Delta|Plateau|Stadium|Arena|"
    "Park|Airport|Square|Chapel|Cathedral|Basilica|Mosque|Masjid|Temple|Shrine|Bridge|Avenue|"
    "Boulevard|Palace|Tower|Gardens|Garden|Coliseum|Colosseum|Dam|Beach|Harbour|Harbor|"
    "Rotunda|Speedway|Circuit|Raceway|Strip|prefecture"
)
# Heads of a 'Gulf of Mexico', 'Sea of Japan', 'Lake Tahoe', 'Rue de la Paix' place name.
PLACE_HEADS = r"Gulf|Bay|Sea|Strait|Straits|Isle|Cape|Lake|Mount|Mt\.|Rue|Plaza"


# Title words that also name a ministry ('Ministry of Finance', 'Foreign Ministry').
DEPARTMENTS = _words("Finance Defense Defence Trade Commerce Interior Economy Foreign Justice")

# Words that mark a capitalised run as a place, event, law or thing rather than a person.
NON_NAME_TOKENS = _words("""
    Street Avenue Road Square Park Bridge Lake River Valley Island Islands Sea Ocean Bay Coast
    Mountain Mountains Airport Station City County Province State Region District Republic Kingdom
    Empire Union House Hall Senate Congress Parliament Court Police Army Navy Guard Forces Force
    Office Cabinet Government Administration War Cup Games Olympics Championship League Open
    Festival Summit Conference Forum Awards Prize Day Week Year Season Series Act Bill Law Treaty
    Agreement Accord Deal Plan Index Market Markets Stock Stocks Economy Oil Gold Dollar Yen Euro
    Yuan Tariff Tariffs Election Rally Inflation Price Prices Rate Rates Report Survey Center Centre
    Media Social Network Online Digital Embassy Consulate Team Teams Hurricane Storm Typhoon Cyclone
""")

# Nationality adjectives: 'Chinese Embassy said' is not a person, and neither is 'Chinese' alone.
DEMONYMS = _words("""
    American British English Scottish Welsh Irish French German Italian Spanish Portuguese Dutch
    Belgian Swiss Austrian Swedish Norwegian Danish Finnish Polish Czech Hungarian Romanian Greek
    Turkish Russian Ukrainian Belarusian Chinese Japanese Korean Taiwanese Vietnamese Thai
    Indonesian Malaysian Filipino Singaporean Indian Pakistani Bangladeshi Afghan Iranian Iraqi
    Syrian Israeli Palestinian Lebanese Jordanian Saudi Emirati Qatari Egyptian Nigerian Kenyan
    Ethiopian South African Canadian Mexican Brazilian Argentine Argentinian Chilean Colombian
    Peruvian Venezuelan Cuban Australian Zealander European Asian African Arab Western Eastern
""")

# Family names written first (Chinese, Korean): the back-reference to 'Zang Ziyuan' is 'Zang'.
FAMILY_NAME_FIRST = _words("""
    Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang
    Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei
    Su Lu Ding Ren Shen Yao Jin Fu Zhong Tan Qian Lei Zang Bai Cui Mao Qiu Qin Shi Xue Yan Hou Hao
    Gu Meng Duan Yin Xi Lee Park Choi Jung Yoon Moon
""")

# Words a region's name may be made of that say nothing alone: a subdivision named only by them
# ('Central', 'North East', 'Upper West') is not matched as a place.
GENERIC_PLACE_WORDS = _words("""
    North South East West Northern Southern Eastern Western Central Centre Center Middle Upper Lower
    Capital Coast Coastal Lakes Lake Islands Island Delta Plateau Littoral Highlands Lowlands Valley
    Mountain Mountains River Rivers Sea Bay Plains Interior Metropolitan Region Province District
    Territory State Federal North-East North-West South-East South-West Northeast Northwest
    Southeast Southwest Far Great Greater New Old Saint St. San Santa
""")

# Plural nouns an organisation's name may hold in the possessive ("Boston Children's Hospital",
# "European People's Party"). Any other possessive names an owner ("South Africa's Vodacom Group",
# "Merz's Christian Democratic Union"): the organisation is what follows it.
POSSESSIVE_NOUNS = _words("""
    Children People Women Men Veterans Workers Farmers Teachers Nurses Citizens Mothers Fathers
    Traders Sailors Soldiers Fishermen Employers Writers Artists Consumers Taxpayers Patients
    Nations Peoples Students Pensioners Doctors Girls Boys Ladies Gentlemen Seamen Miners Builders
""")
