"""The words that tell the engine what a sentence asserts, in English, Ukrainian and Russian.

Each is a regular expression matched case-insensitively at word boundaries. They are cues,
not grammar: a sentence with an attendance cue makes each person it names (who is not named
as someone's principal) a participant of the claim's meeting; a possessive or genitive with
an agent's noun ("Trump's son-in-law", "зять Трампа") names whom the next person acts for.
docs/language.md lists them; a cue added here is a cue for every claim.
"""

# Someone took part in the meeting.
ATTENDED = (
    r"attend(?:ed|s|ing)?|met|meets|took\s+part|take\s+part|taking\s+part|participat\w*"
    r"|joined|joins|was\s+present|were\s+present|included|includes|including|led\s+by"
    r"|was\s+led|were\s+led|headed\s+by|together\s+with|accompanied|alongside"
    # Ukrainian
    r"|взяв\s+участь|взяла\s+участь|взяли\s+участь|брав\s+участь|брала\s+участь"
    r"|брали\s+участь|присутні\w*|присутній|присутня|зустрі(?:вся|лася|лися|в|ла|ли)"
    r"|очоли(?:в|ла|ли)|очолюва\w*|приєдна\w*|разом\s+з|разом\s+із|у\s+складі"
    # Russian
    r"|принял[аи]?\s+участие|участвова\w*|присутствова\w*|встрети\w*|возглави\w*"
    r"|присоедини\w*|вместе\s+с|в\s+составе"
)

# Someone did not take part: the people of the clause are absent, not attendees.
ABSENT = (
    r"did\s+not\s+(?:attend|take\s+part|join)|didn[’']t\s+(?:attend|take\s+part|join)"
    r"|was\s+absent|were\s+absent|absent\s+from|skipped|stayed\s+away|was\s+not\s+(?:at|present)"
    r"|не\s+бра(?:в|ла|ли)\s+участі|не\s+взя(?:в|ла|ли)\s+участі|не\s+бу(?:в|ла|ли)\s+присутн\w*"
    r"|відсутн\w*|не\s+приїха\w*"
    r"|не\s+принима\w*\s+участи\w*|не\s+приня\w*\s+участи\w*|не\s+участвова\w*"
    r"|не\s+присутствова\w*|отсутствова\w*|не\s+приеха\w*"
)

# The sentence is about a meeting: its date and place are the meeting's.
MEETING = (
    r"meeting|meetings|talks|negotiations|round|summit|call|phone\s+call|consultations"
    r"|session|met|meet|took\s+place|was\s+held|were\s+held|held|convened|announced"
    r"|зустріч\w*|переговор\w*|раунд\w*|саміт\w*|розмов\w*|консультаці\w*|відбул\w*"
    r"|провели|зустрі(?:вся|лася|лися)|оголоси\w*"
    r"|встреч\w*|переговор\w*|саммит\w*|разговор\w*|консультаци\w*|состоял\w*"
    r"|прош(?:ел|ёл|ла|ли)|провели|встрети\w*|объяви\w*"
)

# A noun for someone who acts for another: after a possessive ("Biden's negotiators") or
# before a genitive ("переговірники Байдена").
AGENT_NOUN = (
    r"(?:special\s+)?(?:negotiators?|envoys?|aides?|advis[eo]rs?|son-in-law|daughter-in-law"
    r"|representatives?|emissar(?:y|ies)|team|delegation|spokes(?:man|woman|person)"
    r"|deputy|deputies|lawyers?|point\s+man|right-hand\s+man|chief\s+of\s+staff|confidante?"
    r"|messengers?)"
)
AGENT_NOUN_CYRILLIC = (
    r"(?:спец)?(?:переговірник\w*|переговорщик\w*|посланц\w*|посланник\w*|посланець"
    r"|представник\w*|представител\w*|радник\w*|советник\w*|помічник\w*|помощник\w*"
    r"|зять|команд[аиіыу]|делегаці\w*|делегаци\w*|емісар\w*|эмиссар\w*|речник\w*)"
)

# "of the Trump administration", "адміністрації Трампа".
ADMINISTRATION = r"administration(?:[’']s)?"
ADMINISTRATION_CYRILLIC = r"адміністраці\w*|администраци\w*|уряд\w*|правительств\w*"

# Acting under someone's authority: the sentence's earlier people act for the one named next.
ON_BEHALF = (
    r"on\s+behalf\s+of|at\s+the\s+behest\s+of|sent\s+by|dispatched\s+by"
    r"|under\s+(?:\w+\s+){0,2}(?:directives?|instructions?|orders?|mandate)\s+(?:from|of)"
    r"|від\s+імені|за\s+дорученням|за\s+вказівк\w*|на\s+виконання\s+(?:\w+\s+){0,2}"
    r"|от\s+имени|по\s+поручению|по\s+указани\w*"
)

# A word for the president before a name: "President Biden's", "президента Байдена".
HONORIFIC = r"president|президента?|prime\s+minister|прем[’'ʼ]?єр-міністра?|премьер-министра?"

# Prepositions before a place.
IN_PLACE = r"in|at|у|в|во|на"

# Short names of countries a meeting's record writes in full.
COUNTRY_NAMES = {
    "u.s.": "united states",
    "us": "united states",
    "usa": "united states",
    "u.s.a.": "united states",
    "america": "united states",
    "сша": "united states",
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "uae": "united arab emirates",
    "оае": "united arab emirates",
    "оаэ": "united arab emirates",
}
