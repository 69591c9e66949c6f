"""The words of dates in English, Ukrainian and Russian, for reading and for writing them.

`dates` builds its patterns from these tables and writes `DateSpan.describe()` with them, so
a month name or an ordinal is spelled once for both directions. Pattern fragments are
regular expressions matched case-insensitively, except English month and weekday names,
which must be capitalised ("may", "march" and "august" are ordinary English words).
"""

from dataclasses import dataclass

LANGUAGES = ("en", "uk", "ru")


@dataclass(frozen=True)
class DateWords:
    """One language's date vocabulary."""

    # Per month: the nominative ("квітень 2026"), the form after a day number ("20 квітня"),
    # then every other form a text may use (locative "у квітні", instrumental "квітнем").
    months: tuple[tuple[str, ...], ...]
    month_abbreviations: dict[str, int]
    # Per weekday, Monday first: every form that may follow the weekday cue ("у п'ятницю").
    weekdays: tuple[tuple[str, ...], ...]
    names_capitalised: bool  # English month and weekday names, not "may" and "march"
    month_before_day: bool  # "April 20, 2026" and "the 20th of April" besides "20 April"
    day_suffix: str  # after a day number: "20th", "20-го"
    year_word: str  # after a year: "2026 року"
    in_cue: str  # "in April", "у квітні"
    since_cue: str  # "since 2024", "з 2024 року"
    range_start: str  # before "30 November to 2 December", with its space
    to_word: str
    between_cue: str
    and_word: str
    week_word: str
    half_word: str
    quarter_word: str
    # 1..4 and -1 for "last": a pattern for each ordinal, in any gender and case.
    ordinals: dict[int, str]
    # "early" / "mid" / "late": the words that put a date in that third of a month or year.
    parts: dict[str, str]
    # "early April", but not "by the end of April": a deadline is no date.
    not_a_deadline: str
    # "next" / "last" / "this" before a weekday; the cue that may come before them ("у
    # наступний вівторок"), and the cue a weekday alone needs ("у понеділок").
    weekday_modifiers: dict[str, str]
    weekday_cue: str
    bare_weekday_cue: str
    # Fixed relative phrases and the phrase dateparser reads them as ("на наступному
    # тижні" is said, "наступного тижня" is what dateparser's Ukrainian data knows).
    relative_phrases: dict[str, str]
    # "in three days" / "three days ago": the words around a number of units.
    relative_units: str
    relative_in: str
    relative_ago: str
    # Units said without a number ("через тиждень"): dateparser is given "1" before them.
    # Not "через день": that is "every other day" in Ukrainian and Russian.
    relative_unit_alone: str
    # Writing: "the first week of April 2026", "перший тиждень квітня 2026".
    describe: dict[str, str]
    week_ordinal_names: dict[int, str]
    half_ordinal_names: dict[int, str]
    quarter_ordinal_names: dict[int, str]
    part_names: dict[str, str]

    def month_name(self, month: int) -> str:
        return self.months[month - 1][0]

    def month_after_day(self, month: int) -> str:
        forms = self.months[month - 1]
        return forms[1] if len(forms) > 1 else forms[0]


ENGLISH = DateWords(
    months=(
        ("January",),
        ("February",),
        ("March",),
        ("April",),
        ("May",),
        ("June",),
        ("July",),
        ("August",),
        ("September",),
        ("October",),
        ("November",),
        ("December",),
    ),
    month_abbreviations={
        "Jan": 1,
        "Feb": 2,
        "Mar": 3,
        "Apr": 4,
        "Jun": 6,
        "Jul": 7,
        "Aug": 8,
        "Sep": 9,
        "Sept": 9,
        "Oct": 10,
        "Nov": 11,
        "Dec": 12,
    },
    weekdays=(
        ("Monday",),
        ("Tuesday",),
        ("Wednesday",),
        ("Thursday",),
        ("Friday",),
        ("Saturday",),
        ("Sunday",),
    ),
    names_capitalised=True,
    month_before_day=True,
    day_suffix=r"(?:st|nd|rd|th)",
    year_word="",
    in_cue=r"in|during",
    since_cue=r"since|from",
    range_start=r"(?:from\s+)?",
    to_word=r"to|until|till|through",
    between_cue=r"between",
    and_word=r"and",
    week_word=r"week",
    half_word=r"half",
    quarter_word=r"quarter",
    ordinals={1: r"first|1st", 2: r"second|2nd", 3: r"third|3rd", 4: r"fourth|4th", -1: r"last"},
    parts={
        "early": r"early|the\s+(?:beginning|start)\s+of",
        "mid": r"mid-?|the\s+middle\s+of",
        "late": r"late|the\s+end\s+of",
    },
    not_a_deadline=r"(?<!by\s)(?<!until\s)(?<!before\s)",
    weekday_modifiers={"next": r"next|coming", "last": r"last", "this": r"this"},
    weekday_cue="",
    bare_weekday_cue="",
    relative_phrases={
        phrase: phrase
        for phrase in (
            "today",
            "tomorrow",
            "yesterday",
            "the day after tomorrow",
            "the day before yesterday",
            "this week",
            "next week",
            "last week",
            "this month",
            "next month",
            "last month",
            "this year",
            "next year",
            "last year",
        )
    },
    relative_units=r"days?|weeks?|fortnights?|months?|years?",
    # "the highest in two weeks", "the first time in three years" measure a time, they do
    # not name one: a superlative or "time" before "in" is not a date.
    relative_in=r"(?<!est\s)(?<!worst\s)(?<!time\s)in",
    relative_ago=r"ago",
    relative_unit_alone="",
    describe={
        "day": "{day} {month} {year}",
        "month": "{month} {year}",
        "year": "{year}",
        "month_week": "the {ordinal} week of {month} {year}",
        "week": "the week of {day} {month} {year}",
        "month_half": "the {ordinal} half of {month} {year}",
        "year_half": "the {ordinal} half of {year}",
        "month_part": "{part}{month} {year}",
        "year_part": "{part}{year}",
        "quarter": "the {ordinal} quarter of {year}",
        "since_day": "since {day} {month} {year}",
        "since_month": "since {month} {year}",
        "since_year": "since {year}",
    },
    week_ordinal_names={1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"},
    half_ordinal_names={1: "first", 2: "second"},
    quarter_ordinal_names={1: "first", 2: "second", 3: "third", 4: "fourth"},
    part_names={"early": "early ", "mid": "mid-", "late": "late "},
)

UKRAINIAN = DateWords(
    months=(
        ("січень", "січня", "січні", "січнем"),
        ("лютий", "лютого", "лютому", "лютим"),
        ("березень", "березня", "березні", "березнем"),
        ("квітень", "квітня", "квітні", "квітнем"),
        ("травень", "травня", "травні", "травнем"),
        ("червень", "червня", "червні", "червнем"),
        ("липень", "липня", "липні", "липнем"),
        ("серпень", "серпня", "серпні", "серпнем"),
        ("вересень", "вересня", "вересні", "вереснем"),
        ("жовтень", "жовтня", "жовтні", "жовтнем"),
        ("листопад", "листопада", "листопаді", "листопадом"),
        ("грудень", "грудня", "грудні", "груднем"),
    ),
    month_abbreviations={},
    weekdays=(
        ("понеділок", "понеділка"),
        ("вівторок", "вівторка"),
        ("середу", "середи"),
        ("четвер", "четверга"),
        ("п'ятницю", "п'ятниці"),
        ("суботу", "суботи"),
        ("неділю", "неділі"),
    ),
    names_capitalised=False,
    month_before_day=False,
    day_suffix=r"(?:-?го)",
    year_word=r"року|році|рік|р\.",
    in_cue=r"у|в|протягом",
    since_cue=r"з|із|зі|від|починаючи\s+з",
    range_start=r"(?:з|із|зі|від)\s+",
    to_word=r"по|до",
    between_cue=r"між",
    and_word=r"і|й|та",
    week_word=r"тиждень|тижня|тижні|тижнем",
    half_word=r"половина|половини|половині|половину|половиною",
    quarter_word=r"квартал|кварталу|кварталі|кварталом",
    ordinals={1: r"перш\w*", 2: r"друг\w*", 3: r"трет\w*", 4: r"четверт\w*", -1: r"останн\w*"},
    parts={
        "early": r"на\s+початку|початок",
        "mid": r"(?:[ув]\s+)?середині|посередині|всередині|середина|середину",
        "late": r"наприкінці|(?:[ув]\s+)?кінці|кінець",
    },
    weekday_modifiers={
        "next": r"наступн\w*|найближч\w*",
        "last": r"минул\w*",
        "this": r"цей|цього|цю|цієї",
    },
    not_a_deadline="",
    weekday_cue=r"(?:[ув]\s+)?",
    bare_weekday_cue=r"[ув]\s+",
    relative_phrases={
        **{
            phrase: phrase
            for phrase in (
                "сьогодні",
                "завтра",
                "вчора",
                "учора",
                "післязавтра",
                "позавчора",
                "цього тижня",
                "наступного тижня",
                "минулого тижня",
                "цього місяця",
                "наступного місяця",
                "минулого місяця",
                "цього року",
                "наступного року",
                "минулого року",
                "торік",
                "цьогоріч",
            )
        },
        "на цьому тижні": "цього тижня",
        "на наступному тижні": "наступного тижня",
        "на минулому тижні": "минулого тижня",
        "у наступному місяці": "наступного місяця",
        "в наступному місяці": "наступного місяця",
        "у минулому місяці": "минулого місяця",
        "в минулому місяці": "минулого місяця",
        "у наступному році": "наступного року",
        "в наступному році": "наступного року",
        "у минулому році": "минулого року",
        "в минулому році": "минулого року",
    },
    relative_units=r"день|дні|днів|дня|тиждень|тижні|тижнів|тижня|місяць|місяці|місяців|місяця|"
    r"рік|роки|років|року",
    relative_in=r"через",
    relative_ago=r"тому",
    relative_unit_alone=r"тиждень|місяць|рік",
    describe={
        "day": "{day} {month} {year}",
        "month": "{month} {year}",
        "year": "{year} рік",
        "month_week": "{ordinal} тиждень {month} {year}",
        "week": "тиждень з {day} {month} {year}",
        "month_half": "{ordinal} половина {month} {year}",
        "year_half": "{ordinal} половина {year} року",
        "month_part": "{part} {month} {year}",
        "year_part": "{part} {year} року",
        "quarter": "{ordinal} квартал {year} року",
        "since_day": "з {day} {month} {year} року",
        "since_month": "з {month} {year} року",
        "since_year": "з {year} року",
    },
    week_ordinal_names={1: "перший", 2: "другий", 3: "третій", 4: "четвертий", -1: "останній"},
    half_ordinal_names={1: "перша", 2: "друга"},
    quarter_ordinal_names={1: "перший", 2: "другий", 3: "третій", 4: "четвертий"},
    part_names={"early": "початок", "mid": "середина", "late": "кінець"},
)

RUSSIAN = DateWords(
    months=(
        ("январь", "января", "январе", "январём", "январем"),
        ("февраль", "февраля", "феврале", "февралём", "февралем"),
        ("март", "марта", "марте", "мартом"),
        ("апрель", "апреля", "апреле", "апрелем"),
        ("май", "мая", "мае", "маем"),
        ("июнь", "июня", "июне", "июнем"),
        ("июль", "июля", "июле", "июлем"),
        ("август", "августа", "августе", "августом"),
        ("сентябрь", "сентября", "сентябре", "сентябрём", "сентябрем"),
        ("октябрь", "октября", "октябре", "октябрём", "октябрем"),
        ("ноябрь", "ноября", "ноябре", "ноябрём", "ноябрем"),
        ("декабрь", "декабря", "декабре", "декабрём", "декабрем"),
    ),
    month_abbreviations={},
    weekdays=(
        ("понедельник", "понедельника"),
        ("вторник", "вторника"),
        ("среду", "среды"),
        ("четверг", "четверга"),
        ("пятницу", "пятницы"),
        ("субботу", "субботы"),
        ("воскресенье", "воскресенья"),
    ),
    names_capitalised=False,
    month_before_day=False,
    day_suffix=r"(?:-?го)",
    year_word=r"года|году|год|г\.",
    in_cue=r"в|во|в\s+течение",
    since_cue=r"с|со|начиная\s+с",
    range_start=r"(?:с|со|от)\s+",
    to_word=r"по|до",
    between_cue=r"между",
    and_word=r"и",
    week_word=r"неделя|недели|неделю|неделе",
    half_word=r"половина|половины|половине|половину|половиной",
    quarter_word=r"квартал|квартала|квартале|кварталом",
    ordinals={1: r"перв\w*", 2: r"втор\w*", 3: r"трет\w*", 4: r"четв[её]рт\w*", -1: r"последн\w*"},
    parts={
        "early": r"(?:в\s+)?начале|начало",
        "mid": r"(?:в\s+)?середине|середина|середину",
        "late": r"(?:в\s+)?конце|конец",
    },
    weekday_modifiers={
        "next": r"следующ\w*|ближайш\w*",
        "last": r"прошл\w*",
        "this": r"этот|эту|это",
    },
    not_a_deadline="",
    weekday_cue=r"(?:во?\s+)?",
    bare_weekday_cue=r"во?\s+",
    relative_phrases={
        phrase: phrase
        for phrase in (
            "сегодня",
            "завтра",
            "вчера",
            "послезавтра",
            "позавчера",
            "на этой неделе",
            "на следующей неделе",
            "на прошлой неделе",
            "в этом месяце",
            "в следующем месяце",
            "в прошлом месяце",
            "в этом году",
            "в следующем году",
            "в прошлом году",
        )
    },
    relative_units=r"день|дня|дней|неделю|недели|недель|месяц|месяца|месяцев|год|года|лет",
    relative_in=r"через",
    relative_ago=r"назад",
    relative_unit_alone=r"неделю|месяц|год",
    describe={
        "day": "{day} {month} {year}",
        "month": "{month} {year}",
        "year": "{year} год",
        "month_week": "{ordinal} неделя {month} {year}",
        "week": "неделя с {day} {month} {year}",
        "month_half": "{ordinal} половина {month} {year}",
        "year_half": "{ordinal} половина {year} года",
        "month_part": "{part} {month} {year}",
        "year_part": "{part} {year} года",
        "quarter": "{ordinal} квартал {year} года",
        "since_day": "с {day} {month} {year} года",
        "since_month": "с {month} {year} года",
        "since_year": "с {year} года",
    },
    week_ordinal_names={1: "первая", 2: "вторая", 3: "третья", 4: "четвёртая", -1: "последняя"},
    half_ordinal_names={1: "первая", 2: "вторая"},
    quarter_ordinal_names={1: "первый", 2: "второй", 3: "третий", 4: "четвёртый"},
    part_names={"early": "начало", "mid": "середина", "late": "конец"},
)

WORDS = {"en": ENGLISH, "uk": UKRAINIAN, "ru": RUSSIAN}
