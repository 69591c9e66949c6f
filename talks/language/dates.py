"""Dates as precise as the source.

A source that says "the first week of April" has not said 1 April, and "April 2026" is not
the first of the month. A `DateSpan` keeps what was said: the first and last day it may
mean and its precision, so two sources conflict only when their spans cannot both be true.
`find_date_expressions` reads them out of a text in English, Ukrainian or Russian.

The rules for vague words are fixed here and documented in docs/language.md: early/mid/late
April are 1–10, 11–20 and 21–30 April; the halves of a month are 1–15 and 16–end; the
weeks of a month are 1–7, 8–14, 15–21, 22–28 and the last seven days; early/mid/late 2026
are January–April, May–August and September–December.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache, total_ordering

from django.db import models

from .date_words import LANGUAGES, WORDS, DateWords

__all__ = [
    "LANGUAGES",
    "DateExpression",
    "DateSpan",
    "Precision",
    "find_date_expressions",
]


class Precision(models.TextChoices):
    """How precise a date is. PART is early/mid/late (a third of a month or of a year)."""

    DAY = "day", "day"
    WEEK = "week", "week"
    PART = "part", "early, mid or late"
    HALF = "half", "half"
    MONTH = "month", "month"
    QUARTER = "quarter", "quarter"
    YEAR = "year", "year"
    RANGE = "range", "range"


_PRECISION_ORDER = {precision: index for index, precision in enumerate(Precision)}
_PARTS = ("early", "mid", "late")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_week(year: int, month: int, ordinal: int) -> tuple[date, date]:
    """Weeks of a month count from its first day; the last week is its last seven days."""
    if ordinal == -1:
        end = _month_end(year, month)
        return end - timedelta(days=6), end
    return date(year, month, 7 * ordinal - 6), date(year, month, 7 * ordinal)


def _month_half(year: int, month: int, ordinal: int) -> tuple[date, date]:
    if ordinal == 1:
        return date(year, month, 1), date(year, month, 15)
    return date(year, month, 16), _month_end(year, month)


def _month_part(year: int, month: int, part: str) -> tuple[date, date]:
    first = {"early": 1, "mid": 11, "late": 21}[part]
    end = _month_end(year, month) if part == "late" else date(year, month, first + 9)
    return date(year, month, first), end


def _year_months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), _month_end(year, last)


def _year_half(year: int, ordinal: int) -> tuple[date, date]:
    return _year_months(year, 1, 6) if ordinal == 1 else _year_months(year, 7, 12)


def _year_part(year: int, part: str) -> tuple[date, date]:
    first = {"early": 1, "mid": 5, "late": 9}[part]
    return _year_months(year, first, first + 3)


def _quarter(year: int, quarter: int) -> tuple[date, date]:
    return _year_months(year, 3 * quarter - 2, 3 * quarter)


def _shape_problem(start: date, end: date | None, precision: Precision) -> str | None:
    """Why (start, end) is not a span of this precision, or None when it is."""
    y, m = start.year, start.month
    if end is None:
        if precision == Precision.DAY:
            return None
        if precision == Precision.MONTH and start.day == 1:
            return None
        if precision == Precision.YEAR and (start.month, start.day) == (1, 1):
            return None
        return "an open span starts on a day, a month's first day or a year's first day"
    if end < start:
        return "it ends before it starts"
    shapes = {
        Precision.DAY: lambda: [(start, start)],
        Precision.WEEK: lambda: [(start, start + timedelta(days=6))],
        Precision.PART: lambda: (
            [_month_part(y, m, p) for p in _PARTS] + [_year_part(y, p) for p in _PARTS]
        ),
        Precision.HALF: lambda: (
            [_month_half(y, m, n) for n in (1, 2)] + [_year_half(y, n) for n in (1, 2)]
        ),
        Precision.MONTH: lambda: [(date(y, m, 1), _month_end(y, m))],
        Precision.QUARTER: lambda: [_quarter(y, q) for q in (1, 2, 3, 4)],
        Precision.YEAR: lambda: [_year_months(y, 1, 12)],
    }
    if precision == Precision.RANGE:
        return None if start < end else "a range ends after it starts"
    if (start, end) in shapes[precision]():
        return None
    return f"it is not a whole {precision.label}"


@total_ordering
@dataclass(frozen=True)
class DateSpan:
    """The days a date may mean, from `start` to `end` inclusive, and how precise it is.

    `end` is None for an open span ("since 2024": from some day in 2024 on); its precision
    is the precision of its start. Stored as three columns: `columns()` and
    `from_columns()` round-trip. Spans sort by start, then end (open last).
    """

    start: date
    end: date | None
    precision: Precision

    def __post_init__(self):
        precision = Precision(self.precision)
        object.__setattr__(self, "precision", precision)
        problem = _shape_problem(self.start, self.end, precision)
        if problem:
            raise ValueError(f"{self.start}–{self.end} is not a {precision.label} span: {problem}")

    # --- Constructors ---------------------------------------------------------------

    @classmethod
    def of(cls, day: date, precision: Precision | str) -> "DateSpan":
        """The day, ISO week (Monday to Sunday), month, quarter or year containing `day`."""
        precision = Precision(precision)
        y, m = day.year, day.month
        bounds = {
            Precision.DAY: lambda: (day, day),
            Precision.WEEK: lambda: (
                day - timedelta(days=day.weekday()),
                day + timedelta(days=6 - day.weekday()),
            ),
            Precision.MONTH: lambda: (date(y, m, 1), _month_end(y, m)),
            Precision.QUARTER: lambda: _quarter(y, (m - 1) // 3 + 1),
            Precision.YEAR: lambda: _year_months(y, 1, 12),
        }
        if precision not in bounds:
            raise ValueError(
                f"DateSpan.of() takes a day, week, month, quarter or year, not {precision.label};"
                " use month_week(), half(), part() or between()"
            )
        return cls(*bounds[precision](), precision)

    @classmethod
    def between(cls, start: date, end: date) -> "DateSpan":
        """An explicit range; a range of one day is that day."""
        if start == end:
            return cls(start, start, Precision.DAY)
        return cls(start, end, Precision.RANGE)

    @classmethod
    def since(cls, day: date, precision: Precision | str = Precision.DAY) -> "DateSpan":
        """An open span from the day, month or year of `day` on ("since 2024")."""
        return cls(cls.of(day, precision).start, None, precision)

    @classmethod
    def month_week(cls, year: int, month: int, ordinal: int) -> "DateSpan":
        """The first to fourth week of a month (1–7, 8–14, ...), or the last (-1)."""
        return cls(*_month_week(year, month, ordinal), Precision.WEEK)

    @classmethod
    def half(cls, year: int, ordinal: int, month: int | None = None) -> "DateSpan":
        """The first or second half of a month (1–15, 16–end) or of a year."""
        if month is None:
            return cls(*_year_half(year, ordinal), Precision.HALF)
        return cls(*_month_half(year, month, ordinal), Precision.HALF)

    @classmethod
    def part(cls, year: int, part: str, month: int | None = None) -> "DateSpan":
        """Early, mid or late in a month (1–10, 11–20, 21–end) or a year (four months each)."""
        if month is None:
            return cls(*_year_part(year, part), Precision.PART)
        return cls(*_month_part(year, month, part), Precision.PART)

    # --- Storage ----------------------------------------------------------------------

    def columns(self) -> tuple[date, date | None, str]:
        """The three stored values: start, end (None when open) and precision."""
        return self.start, self.end, self.precision.value

    @classmethod
    def from_columns(cls, start: date, end: date | None, precision: str) -> "DateSpan":
        return cls(start, end, precision)

    # --- Questions --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.end is None

    def _last(self) -> date:
        return date.max if self.end is None else self.end

    def contains(self, day: date) -> bool:
        return self.start <= day <= self._last()

    def overlaps(self, other: "DateSpan") -> bool:
        """Whether some day could be meant by both."""
        return self.start <= other._last() and other.start <= self._last()

    def conflicts_with(self, other: "DateSpan") -> bool:
        """True only when both cannot be true: no day is in both spans."""
        return not self.overlaps(other)

    def _sort_key(self):
        return self.start, self._last(), _PRECISION_ORDER[self.precision]

    def __lt__(self, other):
        if not isinstance(other, DateSpan):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    # --- Words ------------------------------------------------------------------------

    def describe(self, language: str = "en") -> str:
        """Words that keep the precision: "the first week of April 2026", "з 2024 року".

        Languages other than English, Ukrainian and Russian are described in English.
        """
        words = WORDS.get(language, WORDS["en"])
        s, e = self.start, self.end
        template = words.describe
        if e is None:
            kind = {Precision.DAY: "since_day", Precision.MONTH: "since_month"}.get(
                self.precision, "since_year"
            )
            return template[kind].format(
                day=s.day, month=words.month_after_day(s.month), year=s.year
            )
        same_month = (s.year, s.month) == (e.year, e.month)
        if self.precision == Precision.DAY:
            return template["day"].format(
                day=s.day, month=words.month_after_day(s.month), year=s.year
            )
        if self.precision == Precision.MONTH:
            return template["month"].format(month=words.month_name(s.month), year=s.year)
        if self.precision == Precision.YEAR:
            return template["year"].format(year=s.year)
        if self.precision == Precision.QUARTER:
            ordinal = words.quarter_ordinal_names[(s.month - 1) // 3 + 1]
            return template["quarter"].format(ordinal=ordinal, year=s.year)
        if self.precision == Precision.HALF:
            first_half = s.day == 1 and (same_month or s.month == 1)
            ordinal = words.half_ordinal_names[1 if first_half else 2]
            kind = "month_half" if same_month else "year_half"
            return template[kind].format(
                ordinal=ordinal, month=words.month_after_day(s.month), year=s.year
            )
        if self.precision == Precision.PART:
            if same_month:
                part = _PARTS[min(s.day // 10, 2)]
                kind = "month_part"
            else:
                part = _PARTS[(s.month - 1) // 4]
                kind = "year_part"
            return template[kind].format(
                part=words.part_names[part], month=words.month_after_day(s.month), year=s.year
            )
        if self.precision == Precision.WEEK:
            for ordinal in (1, 2, 3, 4, -1):
                if same_month and (s, e) == _month_week(s.year, s.month, ordinal):
                    return template["month_week"].format(
                        ordinal=words.week_ordinal_names[ordinal],
                        month=words.month_after_day(s.month),
                        year=s.year,
                    )
            return template["week"].format(
                day=s.day, month=words.month_after_day(s.month), year=s.year
            )
        return _describe_range(s, e, words)

    def __str__(self):
        return self.describe()


def _describe_range(s: date, e: date, words: DateWords) -> str:
    """ "1–7 April 2026", "30 November – 2 December 2026", "April–June 2026", "2024–2026"."""
    whole_months = s.day == 1 and e == _month_end(e.year, e.month)
    if whole_months and (s.month, e.month) == (1, 12) and s.year != e.year:
        return f"{s.year}–{e.year}"
    if whole_months and (s.year, s.month) != (e.year, e.month):
        first, last = words.month_name(s.month), words.month_name(e.month)
        if s.year == e.year:
            return f"{first}–{last} {e.year}"
        return f"{first} {s.year} – {last} {e.year}"
    first, last = words.month_after_day(s.month), words.month_after_day(e.month)
    if s.year != e.year:
        return f"{s.day} {first} {s.year} – {e.day} {last} {e.year}"
    if s.month != e.month:
        return f"{s.day} {first} – {e.day} {last} {e.year}"
    return f"{s.day}–{e.day} {last} {e.year}"


@dataclass(frozen=True)
class DateExpression:
    """A date expression found in a text: `text == source[start:end]`, meaning `when`."""

    text: str
    start: int
    end: int
    when: DateSpan


# --- Reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Endpoint:
    """What one date phrase names: any of a day, a month and a year."""

    day: int | None
    month: int | None
    year: int | None
    year_word: bool

    def span(self, year: int) -> DateSpan | None:
        """The day, month or year it names in `year`; None when there is no such day."""
        if self.month is None:
            return DateSpan.of(date(year, 1, 1), Precision.YEAR)
        if self.day is None:
            return DateSpan.of(date(year, self.month, 1), Precision.MONTH)
        if self.day > calendar.monthrange(year, self.month)[1]:
            return None
        return DateSpan.of(date(year, self.month, self.day), Precision.DAY)


def _in_year(
    build: Callable[[int], DateSpan | None],
    said: int | None,
    reference: date,
    *,
    past: bool = False,
) -> DateSpan | None:
    """The span in the year the text said or, when it left the year out, in the inferred one.

    Nearest: the year (last, this or next) whose span is nearest the reference date (0 when
    it contains it), the later year on a tie. Past ("since April"): the latest year whose
    span starts on or before the reference.
    """
    if said:
        return build(said)
    spans = [
        span for y in (reference.year + 1, reference.year, reference.year - 1) if (span := build(y))
    ]
    if past:
        return next((span for span in spans if span.start <= reference), None)

    def distance(span: DateSpan) -> int:
        if span.contains(reference):
            return 0
        return min(abs((span.start - reference).days), abs((span._last() - reference).days))

    return min(spans, key=distance, default=None)


class _Reader:
    """One language's patterns and the rules that turn what they match into spans."""

    def __init__(self, language: str):
        self.language = language
        self.words = words = WORDS[language]
        self.month_numbers = {
            form.lower(): number
            for number, forms in enumerate(words.months, start=1)
            for form in forms
        } | {abbreviation.lower(): n for abbreviation, n in words.month_abbreviations.items()}
        self.weekday_numbers = {
            _fold_apostrophe(form.lower()): number
            for number, forms in enumerate(words.weekdays)
            for form in forms
        }
        self.year_word = re.compile(words.year_word, re.I) if words.year_word else None
        self.rules = self._rules()

    # Patterns -----------------------------------------------------------------------

    def _names(self, forms: list[str]) -> str:
        """An alternation of names, longest first; English ones capitalised as written."""
        alternatives = "|".join(
            _apostrophe_pattern(form) for form in sorted(forms, key=len, reverse=True)
        )
        if self.words.names_capitalised:
            return f"(?-i:{alternatives})(?!\\w)"
        return f"(?:{alternatives})(?!\\w)"

    def _rules(self) -> list[tuple[re.Pattern, Callable]]:
        w = self.words
        month = self._names(
            [form for forms in w.months for form in forms]
            + [f"{abbreviation}." for abbreviation in w.month_abbreviations]
            + list(w.month_abbreviations)
        )
        weekday = self._names([form for forms in w.weekdays for form in forms])
        day = rf"(?<![\d.,:/])(?:[12]\d|3[01]|0?[1-9])(?!\d){w.day_suffix}?"
        year_word = rf"(?:\s*(?:{w.year_word}))?" if w.year_word else ""
        year = rf"(?<![\d.,])(?:19|20)\d\d{year_word}(?!\w)"
        full = rf"{day}\s+{month}"
        if w.month_before_day:  # "April 20, 2026" and "the 20th of April"
            full = rf"(?:(?:the\s+)?{day}(?:\s+of)?\s+{month}|{month}\s+{day})"
        endpoint = rf"(?:{full}(?:,?\s+{year})?|{month}(?:,?\s+{year})?|{day}|{year})"
        a, b = rf"(?P<a>{endpoint})", rf"(?P<b>{endpoint})"
        ordinal = "|".join(w.ordinals.values())
        quarter_ordinal = rf"{ordinal}|IV|I{{1,3}}|І{{1,3}}|ІV"
        part = "|".join(w.parts.values())
        modifier = "|".join(w.weekday_modifiers.values())
        the = r"(?:the\s+)?"
        relative = "|".join(
            _apostrophe_pattern(p) for p in sorted(w.relative_phrases, key=len, reverse=True)
        )
        count = rf"(?P<n>\d{{1,3}}|[^\W\d_]+)\s+(?P<unit>{w.relative_units})(?!\w)"
        if w.relative_unit_alone:
            count = rf"(?:{count}|(?P<unit_alone>{w.relative_unit_alone})(?!\w))"
        # "через три дня после переговоров" counts from the talks, not from the reference.
        not_after_event = r"(?!\s+(?:після|после|after|before|до)\b)"
        iso = r"(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])(?![\d-])"
        dotted = r"(?<![\d.])(?P<d>[0-2]?\d|3[01])\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>(?:19|20)\d\d)"
        patterns = [
            (iso, self._numeric),
            (rf"{dotted}(?!\.?\d)", self._numeric),
            (rf"{a}\s*[-–—]\s*{b}", self._range),
            (rf"{w.range_start}{a}\s+(?:{w.to_word})\s+{b}", self._range),
            (rf"(?:{w.between_cue})\s+{a}\s+(?:{w.and_word})\s+{b}", self._range),
            (rf"{the}(?P<ord>{ordinal})\s+(?:{w.week_word})\s+(?:of\s+|in\s+)?{a}", self._week),
            (rf"{the}(?P<ord>{ordinal})\s+(?:{w.half_word})\s+(?:of\s+)?{a}", self._half),
            (
                rf"{the}(?P<ord>{quarter_ordinal})\s+(?:{w.quarter_word})\s+(?:of\s+)?{a}"
                rf"|Q(?P<q>[1-4])\s+(?P<a2>{endpoint})",
                self._quarter,
            ),
            (rf"{w.not_a_deadline}(?P<part>{part})[\s-]*{a}", self._part),
            (rf"(?:{w.since_cue})\s+{a}", self._since),
            (a, self._date),
            (rf"(?:{w.in_cue})\s+{a}", self._cued_date),
            (rf"{w.weekday_cue}(?P<mod>{modifier})\s+(?P<wd>{weekday})", self._weekday),
            (rf"{w.bare_weekday_cue}(?P<wd>{weekday})", self._weekday),
            (rf"(?P<phrase>{relative})", self._relative_phrase),
            (rf"(?P<in>{w.relative_in})\s+{count}{not_after_event}", self._relative_count),
            (rf"{count}\s+(?P<ago>{w.relative_ago})", self._relative_count),
        ]
        return [(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.I), rule) for p, rule in patterns]

    # Rules: each turns a match into a span, or None when the words are not a date ----

    def _endpoint(self, text: str) -> _Endpoint:
        day = month = year = None
        for token in re.findall(r"\d+|[^\W\d_]+", text):
            if len(token) == 4 and token.isdigit():
                year = int(token)
            elif token.isdigit():
                day = day or int(token)
            else:
                month = month or self.month_numbers.get(token.lower())
        year_word = bool(self.year_word and self.year_word.search(text))
        return _Endpoint(day, month, year, year_word)

    def _numeric(self, m: re.Match, reference: date) -> DateSpan | None:
        try:
            return DateSpan.of(date(int(m["y"]), int(m["m"]), int(m["d"])), Precision.DAY)
        except ValueError:
            return None

    def _date(self, m: re.Match, reference: date) -> DateSpan | None:
        """A day with its month, a month with its year, or a year with its word ("2024 року").
        A month or a year alone needs a cue (`_cued_date`)."""
        point = self._endpoint(m["a"])
        if point.month is None:
            return point.span(point.year) if point.year and point.year_word else None
        if point.day is None and point.year is None:
            return None
        return _in_year(point.span, point.year, reference)

    def _cued_date(self, m: re.Match, reference: date) -> DateSpan | None:
        """What only the cue makes a date: "in April", "у квітні", "in 2024" (but not the
        count in "in 2000 homes")."""
        point = self._endpoint(m["a"])
        if point.day is not None:
            return None
        if point.month is None:
            if not point.year or point.year_word or _COUNTED.match(m.string, m.end()):
                return None
            return point.span(point.year)
        return None if point.year else _in_year(point.span, None, reference)

    def _since(self, m: re.Match, reference: date) -> DateSpan | None:
        point = self._endpoint(m["a"])
        if point.month is None and point.year is None:
            return None
        precision = (
            Precision.DAY if point.day else Precision.MONTH if point.month else Precision.YEAR
        )

        def build(year: int) -> DateSpan | None:
            span = point.span(year)
            return span and DateSpan.since(span.start, precision)

        return _in_year(build, point.year, reference, past=True)

    def _ordinal(self, text: str) -> int:
        text = text.strip()
        for number, pattern in self.words.ordinals.items():
            if re.fullmatch(pattern, text, re.I):
                return number
        return {"I": 1, "II": 2, "III": 3, "IV": 4}[text.replace("І", "I")]

    def _in_month_or_year(
        self, point: _Endpoint, reference: date, make: Callable[[int, int | None], DateSpan]
    ) -> DateSpan | None:
        """A span made in the month named (in its year, said or inferred), or in the year."""
        if point.day is not None:
            return None
        if point.month is None:
            return make(point.year, None)
        return _in_year(lambda year: make(year, point.month), point.year, reference)

    def _week(self, m: re.Match, reference: date) -> DateSpan | None:
        point, ordinal = self._endpoint(m["a"]), self._ordinal(m["ord"])
        if point.month is None:
            return None
        return self._in_month_or_year(
            point, reference, lambda year, month: DateSpan.month_week(year, month, ordinal)
        )

    def _half(self, m: re.Match, reference: date) -> DateSpan | None:
        ordinal = self._ordinal(m["ord"])
        if ordinal not in (1, 2):
            return None
        return self._in_month_or_year(
            self._endpoint(m["a"]),
            reference,
            lambda year, month: DateSpan.half(year, ordinal, month),
        )

    def _part(self, m: re.Match, reference: date) -> DateSpan | None:
        words = re.sub(r"\s+", " ", m["part"])
        part = next(
            p for p, pattern in self.words.parts.items() if re.fullmatch(pattern, words, re.I)
        )
        return self._in_month_or_year(
            self._endpoint(m["a"]), reference, lambda year, month: DateSpan.part(year, part, month)
        )

    def _quarter(self, m: re.Match, reference: date) -> DateSpan | None:
        point = self._endpoint(m["a"] or m["a2"])
        quarter = int(m["q"]) if m["q"] else self._ordinal(m["ord"])
        if point.day is not None or point.month is not None:
            return None
        return DateSpan.of(
            date(point.year, 3 * (4 if quarter == -1 else quarter) - 2, 1), Precision.QUARTER
        )

    def _range(self, m: re.Match, reference: date) -> DateSpan | None:
        """ "1–7 April", "from 30 November to 2 December", "between 2022 and 2024": a missing
        month or year of one end is the other end's; a range crossing New Year ends in the
        next year."""
        first, last = self._endpoint(m["a"]), self._endpoint(m["b"])
        if first.day is not None and first.month is None:
            if last.month is None:
                return None
            first = _Endpoint(first.day, last.month, first.year, first.year_word)
        if last.day is not None and last.month is None:
            # Only "April 1–7": a day alone after a dash is no date in "20 April - 28 points".
            starts_with_month = self._endpoint(m["a"].split()[0]).month is not None
            if first.month is None or first.year or not starts_with_month:
                return None
            last = _Endpoint(last.day, first.month, None, False)

        def order(point: _Endpoint) -> tuple[int, int]:
            return point.month or 1, point.day or 1

        crosses_new_year = order(last) < order(first)

        def build(year: int, last_year: int | None = None) -> DateSpan | None:
            if last_year is None:
                last_year = year + 1 if crosses_new_year else year
            start, end = first.span(year), last.span(last_year)
            if start is None or end is None or start.start >= end._last():
                return None
            return DateSpan.between(start.start, end._last())

        if last.year:
            first_year = first.year or (last.year - 1 if crosses_new_year else last.year)
            return build(first_year, last.year)
        return _in_year(build, first.year, reference)

    def _weekday(self, m: re.Match, reference: date) -> DateSpan:
        """Next: the first such day after the reference; this: on or after it; last: the last
        before it; a weekday alone: the nearest one (three days either way)."""
        weekday = self.weekday_numbers[_fold_apostrophe(m["wd"].lower())]
        modifier = m["mod"] if "mod" in m.re.groupindex else None
        ahead = (weekday - reference.weekday()) % 7
        if modifier is None:
            offset = ahead if ahead <= 3 else ahead - 7
        else:
            words = modifier.lower()
            kind = next(
                k for k, p in self.words.weekday_modifiers.items() if re.fullmatch(p, words, re.I)
            )
            offset = {"next": ahead or 7, "this": ahead, "last": (ahead - 7) if ahead else -7}[kind]
        return DateSpan.of(reference + timedelta(days=offset), Precision.DAY)

    def _relative_phrase(self, m: re.Match, reference: date) -> DateSpan | None:
        said = _fold_apostrophe(re.sub(r"\s+", " ", m["phrase"].lower()))
        return _dateparser_span(self.words.relative_phrases[said], self.language, reference)

    def _relative_count(self, m: re.Match, reference: date) -> DateSpan | None:
        groups = m.groupdict()
        number = groups["n"] or "1"
        unit = groups["unit"] or groups.get("unit_alone")
        if groups.get("in"):
            said = f"{groups['in']} {number} {unit}"
        else:
            said = f"{number} {unit} {groups['ago']}"
        return _dateparser_span(said.lower(), self.language, reference)


# A number followed by a plural noun counts things: "in 2000 homes", "у 2000 будинках".
_COUNTED = re.compile(
    r"\s+(?!(?:was|has|is|as|this|his|its|thus|us|always|alone|ends)\b)[a-z]+s\b"
    r"|\s+[а-яіїєґ]+(?:ах|ях|ів|ей|ами|ями)\b"
)


def _fold_apostrophe(text: str) -> str:
    return re.sub(r"[’ʼ`]", "'", text)


def _apostrophe_pattern(text: str) -> str:
    return re.escape(text).replace("'", "['’ʼ`]").replace(r"\ ", r"\s+")


_DATEPARSER_PRECISION = {
    "day": Precision.DAY,
    "week": Precision.WEEK,
    "month": Precision.MONTH,
    "year": Precision.YEAR,
}


@lru_cache(maxsize=64)
def _dateparser(language: str, reference: date):
    """A dateparser parser for one language and reference day. dateparser is imported on
    first use: importing it and loading a language costs about half a second."""
    from dateparser.date import DateDataParser

    base = datetime.combine(reference, datetime.min.time())
    return DateDataParser(languages=[language], settings={"RELATIVE_BASE": base})


def _dateparser_span(said: str, language: str, reference: date) -> DateSpan | None:
    """A relative phrase read by dateparser: "next week" is the week after the reference's."""
    found = _dateparser(language, reference).get_date_data(said)
    if found.date_obj is None:
        return None
    precision = _DATEPARSER_PRECISION.get(found.period, Precision.DAY)
    return DateSpan.of(found.date_obj.date(), precision)


@cache
def _reader(language: str) -> _Reader:
    return _Reader(language)


def find_date_expressions(text: str, language: str, *, reference: date) -> list[DateExpression]:
    """Every date expression in `text`, in order, each with its span of days.

    `language` is "en", "uk" or "ru"; `reference` is the day the text was written, which
    relative words ("tomorrow", "next Tuesday") count from and a left-out year is taken
    from (the nearest such date; "since April" the latest one not after it). Where two
    readings overlap the longer wins: "from 30 November to 2 December" is one range, not
    two days.
    """
    if language not in WORDS:
        raise ValueError(f"no date words for language {language!r}: use one of {LANGUAGES}")
    if isinstance(reference, datetime):
        reference = reference.date()
    reader = _reader(language)
    found = []
    for priority, (pattern, rule) in enumerate(reader.rules):
        for match in pattern.finditer(text):
            span = rule(match, reference)
            if span is not None:
                found.append((match.start() - match.end(), match.start(), priority, span))
    taken: list[DateExpression] = []
    for negative_length, start, _, span in sorted(found, key=lambda item: item[:3]):
        end = start - negative_length
        if all(end <= other.start or other.end <= start for other in taken):
            taken.append(DateExpression(text[start:end], start, end, span))
    return sorted(taken, key=lambda expression: expression.start)
