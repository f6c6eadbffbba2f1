"""The words `subjects` reads a company no list holds by: the words that follow a
company opening a headline, those a company's plans take after "to", the plural verbs
two companies take, and the names that open headlines as companies do but are none
(market bodies, countries and peoples, public figures, roles, legal forms).

Written for the project from the words around the names the lists find in the training
headlines, and from what the blind sets of `data/written_headlines/` showed
(`docs/models/entity_sentiment.md`, "v37" to "v41").
"""

from __future__ import annotations

# What a company counts and reports beside its profit, which its name opens a headline
# with as it does with "profit" ("Alimak order intake rises", "Posadas occupancy rises");
# not what a trade or a market counts too ("Seafood exports", "F&O volumes", "MDF
# volumes"), nor "dividend", which names funds ("... Dividend ETF").
MEASURES = frozenset(
    {"order", "orders", "output", "production", "occupancy", "traffic", "backlog",
     "margin", "margins", "bookings", "deliveries", "same-store", "like-for-like", "loss",
     "losses", "throughput"}
)  # fmt: skip

# The words that follow a company opening a headline: what it did, and what its shares,
# profit or quarter did. Written for the project from the words that follow the names
# the lists find at the start of the training headlines, less those that also follow
# persons and bodies ("to", "says", "is", "may"); "names" and "appoints" follow
# companies there far more often than persons (`docs/models/entity_sentiment.md`, "v41").
NEWS_WORDS = frozenset(
    {"shares", "stock", "profit", "profits", "net", "revenue", "revenues", "sales",
     "earnings", "eps", "q1", "q2", "q3", "q4", "h1", "h2", "ipo", "posts", "reports",
     "beats", "misses", "cuts", "raises", "lifts", "trims", "wins", "warns", "sees",
     "hikes", "slashes", "tops", "lowers", "boosts", "rallies", "jumps", "surges",
     "slips", "falls", "drops", "plunges", "gains", "sinks", "soars", "tumbles",
     "slumps", "rises", "climbs", "declares", "launches", "unveils", "swings", "sells",
     "buys", "acquires", "agrees", "completes", "signs", "secures", "expands", "delays",
     "scraps", "narrows", "widens", "keeps", "reaffirms", "reiterates", "backs",
     "rejects", "halts", "resumes", "shuts", "bets", "rebounds", "extends", "upgraded",
     "downgraded", "returns", "books", "opens", "expects", "flags", "withdraws",
     "restores", "repays", "suspends", "reinstates", "upgrades", "downgrades",
     "initiates", "dips", "lags", "eases", "edges", "plans", "faces", "slides", "bags",
     "lands", "licenses", "confirms", "pushes", "forecasts", "starts", "names", "appoints",
     "fined", "receives", "unit", "creditors"}
) | MEASURES  # fmt: skip

# What a company does or reports, after its name opens a headline, that neither a
# person nor an adjective is followed by as often ("Target beats estimates", "Sharp
# returns to profit"; not "Williams warns", "Sharp falls in output"): the news words
# less the moves of a price and what persons say or do, and what is counted ("Sharp
# output gains").
DEEDS = NEWS_WORDS - MEASURES - {
    "rallies", "jumps", "surges", "slips", "falls", "drops", "plunges", "gains", "sinks",
    "soars", "tumbles", "slumps", "rises", "climbs", "rebounds", "upgraded", "downgraded",
    "warns", "sees", "expects", "agrees", "signs", "keeps", "reaffirms", "reiterates",
    "backs", "rejects", "bets",
}  # fmt: skip

# After a possessive ("Kion's"), only what a company has: "Kion's shares", not
# "Powell's remarks".
OWNED = frozenset(
    {"shares", "stock", "profit", "profits", "net", "revenue", "revenues", "sales",
     "earnings", "eps", "q1", "q2", "q3", "q4", "h1", "h2", "ipo", "unit", "creditors"}
) | MEASURES  # fmt: skip

# After "to", what a company opening a headline is to do: deals, listings and cuts, not
# what persons and governments say they will ("to speak", "to visit", "to meet").
TO_VERBS = frozenset(
    {"buy", "sell", "acquire", "merge", "split", "spin", "divest", "list", "delist",
     "close", "shut", "cut", "axe", "slash", "lay", "exit", "hire", "build", "open",
     "launch", "invest", "expand", "restructure", "float", "redeem", "repurchase",
     "raise", "trim", "hike", "idle", "spend"}
)  # fmt: skip

# What two companies joined at the opening did, or their shares: the plural verbs of
# market news, less those persons do together ("agree", "meet", "sign", "warn").
PAIR_VERBS = frozenset(
    {"rally", "fall", "rise", "gain", "slide", "slip", "drop", "jump", "surge", "soar",
     "sink", "tumble", "slump", "climb", "rebound", "lead", "post", "report", "raise",
     "cut", "lift", "trim", "beat", "miss", "hit", "boost", "win", "swing", "open", "add",
     "flag", "slash", "lower", "lose", "step", "extend", "expand", "launch", "delay",
     "scrap", "halt", "resume", "shut", "sell", "buy", "complete", "secure", "narrow",
     "widen", "top", "hike", "declare", "unveil", "book", "plunge", "retreat", "advance",
     "upgrade", "dip", "lag", "ease", "edge", "diverge", "trail", "see", "ride", "shrug",
     "feel", "face", "set", "take", "form"}
)  # fmt: skip
PAIR_WORDS = PAIR_VERBS | {"shares", "stock"}

# The last word of a company's name that says it is one, whatever its first word
# ("Renew Holdings lifts", "Tri Chemical shares jump", "Tourism Holdings rejects"):
# legal forms and groups (`FORMS`), and the trades companies name themselves by
# (`TRADES`), which a sector's or a public body's name may also end with ("Budget
# Airlines", "Central Bank"): those only after no place and in no body's name
# (`BODIES`).
FORMS = frozenset(
    {"Holdings", "Holding", "Group", "Groupe", "Gruppe", "Grupo", "Corp", "Corp.",
     "Corporation", "Co", "Co.", "Inc", "Inc.", "Ltd", "Ltd.", "Limited", "Plc", "PLC",
     "plc", "AG", "SE", "SA", "S.A.", "NV", "N.V.", "ASA", "AB", "Oyj", "SpA", "S.p.A.",
     "Bhd", "Berhad", "Tbk", "PCL", "JSC", "Bancorp", "Bancshares", "BancShares"}
)  # fmt: skip
TRADES = frozenset(
    {"Bank", "Properties", "Property", "Realty", "REIT", "Pharma", "Pharmaceuticals",
     "Therapeutics", "Biosciences", "Chemical", "Chemicals", "Electronics", "Electric",
     "Technologies", "Industries", "International", "Enterprises", "Ventures", "Partners",
     "Capital", "Financial", "Robotics", "Hotels", "Airlines", "Airways", "Motor",
     "Motors", "Brands", "Foods", "Logistics", "Networks", "Systems", "Communications",
     "Telecom", "Semiconductor", "Semiconductors", "Labs", "Engineering", "Shipping",
     "Resources", "Technology", "Solutions", "Broking"}
)  # fmt: skip
BODIES = frozenset(
    {"Central Bank", "Reserve Bank", "World Bank", "Development Bank", "Investment Bank",
     "Export-Import Bank", "Venture Capital", "Private Capital", "Working Capital",
     "Human Capital", "Natural Resources", "Human Resources", "Water Resources",
     "Budget Airlines", "Commercial Property", "Residential Property"}
)  # fmt: skip

# Banks of governments that the tagger reads as a name where capitals mark one: central
# banks (with the one rate a headline capitalises), and lenders of governments. Listed by
# name, since a place before "Bank" or "National Bank" names a company as often ("Doha
# Bank", "Dubai Islamic Bank", "Qatar National Bank"). `BANK_BODIES`: the words that
# make any name with them a government's bank.
PUBLIC_BANKS = frozenset(
    {"Norges Bank", "Swiss National Bank", "Czech National Bank", "Polish National Bank",
     "Slovak National Bank", "Hungarian National Bank", "Ukrainian National Bank",
     "Serbian National Bank", "Danish National Bank", "Austrian National Bank",
     "Belgian National Bank", "Romanian National Bank", "Bank Negara Malaysia",
     "Sveriges Riksbank", "Deutsche Bundesbank", "De Nederlandsche Bank",
     "Bangko Sentral", "Bank Al-Maghrib", "Federal Reserve", "Bank Rate",
     "European Investment Bank", "Asian Infrastructure Investment Bank"}
)  # fmt: skip
BANK_BODIES = ("Reserve Bank", "Central Bank", "Development Bank", "World Bank")

# "and" joins two names; "&" joins the words of one name ("JB Chemicals & Pharmaceuticals",
# "Temple & Webster") unless no "and" does and a plural verb follows ("Bossard & SFS
# fall", `PAIR_VERBS`), which one name does not take.
AND = frozenset({"and", "And", "AND"})

# Indices, central banks, exchanges and cartels that open market news as companies do.
MARKET_BODIES = frozenset(
    {"DAX", "MDAX", "SDAX", "TecDAX", "CAC", "FTSE", "Stoxx", "STOXX", "Euro", "Nikkei",
     "Topix", "TOPIX", "Kospi", "KOSPI", "Kosdaq", "KOSDAQ", "Hang", "Sensex", "Nifty",
     "ASX", "TSX", "OMX", "OMXS30", "IBEX", "Ibex", "MIB", "AEX", "SMI", "ATX", "BEL",
     "PSI", "KLCI", "Bovespa", "Ibovespa", "Merval", "IPC", "JSE", "NZX", "STI", "SET",
     "PSEi", "Jakarta", "Taiex", "TAIEX", "CSI", "Shanghai", "Shenzhen", "Nasdaq", "NYSE",
     "S&P", "Dow", "Russell", "VIX", "NASDAQ", "MPC", "Riksbank", "Norges", "Bundesbank",
     "ECB", "BoE", "BOE", "BoJ", "BOJ", "Fed", "FOMC", "RBI", "RBA", "RBNZ", "SNB", "PBOC",
     "PBoC",
     "BoC", "BOC", "BoK", "BOK", "SEBI", "Sebi", "SEC", "FCA", "OPEC", "OPEC+", "IMF",
     "NSE", "BSE", "LSE", "HKEX", "SGX", "Ifo", "ZEW", "ISM", "PMI", "GDP", "CPI",
     # Regulators, governments' bodies and lenders of governments.
     "FDA", "FTC", "DOJ", "CFTC", "FINRA", "EU", "EC", "UN", "WTO", "OECD", "ADB", "IFC",
     "AIIB", "WHO", "CCI", "CAG", "CBI", "TRAI", "IRDA", "IRDAI", "PFRDA", "NABARD",
     "EGoM", "GoM", "RPT", "CERC", "FINMA", "FSA", "SAMA", "MICEX", "RTS", "Negara",
     "Pentagon", "Kremlin", "Ottawa", "Beijing", "Canberra",
     # Markets named by their city: "Seoul shares rise", "HK shares end higher".
     "HK", "Seoul", "Taipei", "Tokyo", "Mumbai", "Manila", "Bangkok", "Karachi", "Dhaka",
     "Colombo", "Istanbul", "Riyadh", "Dubai", "Doha", "Cairo", "Lagos", "Nairobi",
     "Johannesburg", "Moscow", "Warsaw", "Budapest", "Prague", "Athens", "Lisbon",
     "Madrid", "Milan", "Zurich", "Stockholm", "Oslo", "Copenhagen", "Helsinki",
     "Amsterdam", "Brussels", "Vienna", "Wellington", "Sydney", "Toronto", "London",
     "Paris", "Frankfurt", "Singapore", "Wall", "Tel", "BIST"}
)  # fmt: skip

# A person's role: "RealNetworks CEO Rob Glaser to invest" opens with a person.
ROLES = frozenset(
    {"ceo", "cfo", "coo", "cto", "chairman", "chairwoman", "chair", "founder",
     "co-founder", "cofounder", "chief", "president", "minister", "pm", "governor",
     "secretary", "senator", "judge", "analyst", "boss", "promoter", "quarterback",
     "chancellor", "premier", "king", "queen", "prince", "mayor", "pope", "treasurer",
     "deputy", "speaker", "envoy", "ambassador", "commissioner", "lawmaker", "md",
     "economist", "broker"}
)  # fmt: skip

# Public figures markets quote by surname, who open headlines as companies do ("Lagarde
# warns", "Ueda keeps door open", "Milei scraps controls"), and the events that halt a
# company's output ("Cyclone halts shipments at ..."), where no ordinary word says so
# already; no company goes by one of these names.
PERSONS_AND_EVENTS = frozenset(
    {"Powell", "Lagarde", "Ueda", "Kuroda", "Bailey", "Macklem", "Bullock", "Orr",
     "Yellen", "Bessent", "Schnabel", "Nagel", "Villeroy", "Waller", "Kashkari",
     "Goolsbee", "Bostic", "Hammack", "Musalem", "Barkin", "Mester", "Rajan", "Malhotra",
     "Draghi", "Georgieva", "Sitharaman", "Goyal", "Modi", "Putin", "Zelensky",
     "Erdogan", "Milei", "Lula", "Sheinbaum", "Macron", "Scholz", "Merz", "Meloni",
     "Sunak", "Starmer", "Reeves", "Albanese", "Trudeau", "Carney", "Ishiba", "Kishida",
     "Takaichi", "Biden", "Vance", "Lutnick", "Navarro", "Netanyahu", "Musk", "Buffett",
     "Dimon", "Ackman", "Icahn", "Cramer", "Dalio", "Soros", "Bezos", "Zuckerberg",
     "Nadella", "Pichai", "Altman", "Jokowi", "Prabowo", "Samvat",
     "Blockade", "Cyclone", "Typhoon", "Earthquake", "Hurricane", "Tsunami", "Wildfire",
     "Monsoon"}
)  # fmt: skip

# Countries, territories, regions and their peoples' adjectives, whose news is a
# government's or a market's ("Algeria to cut oil output", "Qatar signs LNG deal", "...;
# Philippine shares near low"). A name that only starts with one ("Qatar Airways") may
# still be a company's.
PLACES = frozenset(
    {"Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia",
     "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados",
     "Belarus", "Belgium", "Belize", "Benin", "Bhutan", "Bolivia", "Bosnia", "Botswana",
     "Brazil", "Britain", "Brunei", "Bulgaria", "Burundi", "Cambodia", "Cameroon",
     "Canada", "Chile", "China", "Colombia", "Comoros", "Congo", "Croatia", "Cuba",
     "Cyprus", "Czechia", "Denmark", "Djibouti", "Ecuador", "Egypt", "England",
     "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Europe", "Fiji", "Finland", "France",
     "Gabon", "Gambia", "Germany", "Ghana", "Greece", "Guatemala", "Guyana", "Haiti",
     "Honduras", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland",
     "Israel", "Italy", "Jamaica", "Japan", "Kazakhstan", "Kenya", "Kiribati", "Kosovo",
     "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya",
     "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia",
     "Maldives", "Mali", "Malta", "Mauritania", "Mauritius", "Mexico", "Micronesia",
     "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar",
     "Namibia", "Nauru", "Nepal", "Netherlands", "Nicaragua", "Niger", "Nigeria",
     "Norway", "Oman", "Pakistan", "Palau", "Palestine", "Panama", "Paraguay", "Peru",
     "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda", "Samoa",
     "Scotland", "Senegal", "Serbia", "Seychelles", "Slovakia", "Slovenia", "Somalia",
     "Spain", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan",
     "Tajikistan", "Tanzania", "Thailand", "Togo", "Tonga", "Tunisia", "Turkey",
     "Türkiye", "Turkmenistan", "Tuvalu", "UAE", "Uganda", "Ukraine", "Uruguay",
     "Uzbekistan", "Vanuatu", "Venezuela", "Vietnam", "Wales", "Yemen", "Zambia",
     "Zimbabwe", "Saudi Arabia", "Sri Lanka", "Hong Kong", "South Africa", "South Korea",
     "North Korea", "Korea", "New Zealand", "Costa Rica", "El Salvador", "Ivory Coast",
     "Abu Dhabi", "Puerto Rico", "Papua New Guinea", "Asia", "Africa", "America",
     "Americas", "Eurozone", "Euro Zone", "Middle East", "Latin America", "Gulf",
     "Philippine", "Filipino", "Thai", "Malaysian", "Indonesian", "Vietnamese",
     "Singaporean", "Taiwanese", "Korean", "Japanese", "Chinese", "Indian", "Pakistani",
     "Bangladeshi", "Nigerian", "Kenyan", "Ghanaian", "Egyptian", "Moroccan", "Saudi",
     "Emirati", "Qatari", "Kuwaiti", "Omani", "Bahraini", "Turkish", "Israeli", "Iranian",
     "Iraqi", "Russian", "Ukrainian", "Polish", "Czech", "Hungarian", "Romanian",
     "Greek", "Brazilian", "Mexican", "Argentine", "Chilean", "Colombian", "Peruvian",
     "Canadian", "Australian", "European", "Asian", "African", "American", "British",
     "Irish", "German", "French", "Swiss", "Dutch", "Belgian", "Austrian", "Italian",
     "Spanish", "Portuguese", "Swedish", "Norwegian", "Danish", "Finnish", "Croatian",
     "Serbian", "Slovak", "Slovenian", "Bulgarian", "Estonian", "Latvian", "Lithuanian"}
)  # fmt: skip

# States, provinces and regions within countries, and the regions markets name by
# initials, whose news is as a place's ("Erratic gas supply hits Assam tea", "Cold snap
# hits Northeast", "Saudi listing to boost MENA region").
REGIONS = frozenset(
    {"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
     "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
     "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
     "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "Ohio",
     "Oklahoma", "Oregon", "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont",
     "Virginia", "Washington", "Wisconsin", "Wyoming", "Ontario", "Quebec", "Alberta",
     "Manitoba", "Saskatchewan", "Queensland", "Tasmania", "Victoria", "Assam", "Bihar",
     "Gujarat", "Haryana", "Jharkhand", "Karnataka", "Kerala", "Maharashtra", "Odisha",
     "Punjab", "Rajasthan", "Telangana", "Andhra", "Uttarakhand", "Goa", "Guangdong",
     "Zhejiang", "Jiangsu", "Shandong", "Sichuan", "Hubei", "Henan", "Fujian", "Hainan",
     "Xinjiang", "Tibet", "Bavaria", "Catalonia", "Lombardy", "Scotland", "Wales",
     "Northeast", "Northwest", "Southeast", "Southwest", "Midwest", "MENA", "GCC",
     "APAC", "EMEA", "ASEAN", "Asean", "LatAm", "Sahel", "Balkans", "Baltics"}
)  # fmt: skip

# Commodities, fuels and currencies that markets name with capitals ("boost LNG
# imports", "Rate hike lifts Koruna").
GOODS = frozenset(
    {"LNG", "LPG", "CNG", "WTI", "Brent", "Koruna", "Forint", "Zloty", "Rupee", "Rupiah",
     "Ringgit", "Baht", "Peso", "Real", "Rand", "Lira", "Yen", "Yuan", "Renminbi", "Won",
     "Euro", "Sterling", "Franc", "Krona", "Krone", "Dirham", "Riyal", "Naira", "Shekel",
     "Bitcoin", "Ether", "Arhar", "Stainless", "USD", "EUR", "GBP", "JPY", "CNY", "CHF",
     "HUF", "PLN", "CZK", "SEK", "NOK", "DKK", "INR", "KRW", "TWD", "HKD", "SGD", "AUD",
     "NZD", "CAD", "MXN", "BRL", "ZAR", "TRY", "RUB"}
)  # fmt: skip

# A legal form, an accounting standard or measure, a market's investors, or a question
# word opens no name ("Ingles Markets, Incorporated Reports ...", "GAAP Operating Profit",
# "SmarTone lifts ARPU", "FIIs August selloff", "Budget: Why ITC's stock gained").
NOT_FIRST = frozenset(
    {"Inc", "Incorporated", "LLC", "Ltd", "Limited", "Corp", "Corporation", "PLC", "Plc",
     "plc", "AG", "SA", "NV", "GAAP", "IFRS", "EIA", "IEA", "FMCG", "PSU", "IT", "VC", "PE",
     "ARPU", "EBITDA", "EBITA", "EBIT", "EPS", "NII", "NIM", "AUM", "NAV", "ROE", "ROCE",
     "GMV", "ARR", "FCF", "RevPAR", "CAPEX", "Capex", "IPO", "F&O", "FIIs", "FPIs", "DIIs",
     "Why", "How", "What", "When", "Where", "Who", "Which"}
)  # fmt: skip

# Words that carry a Title Case headline on past its subject ("Abiomed Announces Q3
# Revenue", "JAB Weighs IPO"): a run that reaches one names no company.
ONWARD = frozenset(
    {"announces", "announced", "further", "weighs", "plans", "says", "said", "to", "may",
     "will", "could", "also", "now", "again", "files", "reveals", "confirms", "expects",
     "eyes", "mulls", "considers", "seeks", "receives", "gets", "sets", "names",
     "appoints", "is", "are", "was", "has", "have", "outlines", "details", "stops",
     "targets"}
)  # fmt: skip

# A reporting period: "Q3", "H1", "FY11", "9M", "Fourth" (of "Fourth Quarter"), a month
# ("Aeromexico February passenger traffic"; not "may"), in lower case.
PERIODS = frozenset(
    {"q1", "q2", "q3", "q4", "h1", "h2", "fy", "9m", "first", "second", "third", "fourth",
     "first-quarter", "second-quarter", "third-quarter", "fourth-quarter", "first-half",
     "second-half", "half-year", "nine-month", "quarterly", "monthly", "full-year",
     "january", "february", "march", "april", "june", "july", "august", "september",
     "october", "november", "december"}
)  # fmt: skip

# The words a Title Case headline runs on with after a name ("... Global Unichip On
# Custom Chip Demand").
FUNCTION_WORDS = frozenset(
    {"on", "after", "as", "to", "in", "for", "over", "amid", "with", "from", "at", "of",
     "and", "by", "ahead", "despite", "following", "into", "than", "via", "near", "the"}
)  # fmt: skip
