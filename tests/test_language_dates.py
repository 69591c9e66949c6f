"""Dates as precise as the source: what the desk reads out of a claim's words in English,
Ukrainian and Russian, and how it says them back. No database."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from talks.language.dates import DateSpan, Precision, find_date_expressions

# A Sunday: relative words count from it, and a left-out year is the nearest one.
REFERENCE = date(2026, 3, 15)
D = date
DAY, WEEK, PART, HALF = Precision.DAY, Precision.WEEK, Precision.PART, Precision.HALF
MONTH, QUARTER, YEAR, RANGE = Precision.MONTH, Precision.QUARTER, Precision.YEAR, Precision.RANGE


def only_expression(text, language):
    found = find_date_expressions(text, language, reference=REFERENCE)
    assert len(found) == 1, f"{text!r} read as {[(e.text, e.when) for e in found]}"
    return found[0]


READINGS = [
    # language, the text with [the words found] marked, "start end precision" ("-": open)
    ("en", "They met on [20 April 2026].", "2026-04-20 2026-04-20 day"),
    ("en", "on [April 20, 2026]", "2026-04-20 2026-04-20 day"),
    ("en", "on [the 20th of April]", "2026-04-20 2026-04-20 day"),
    ("en", "on [3 Dec.] they flew", "2025-12-03 2025-12-03 day"),
    ("en", "held on [20 December]", "2025-12-20 2025-12-20 day"),
    ("en", "talks [in April]", "2026-04-01 2026-04-30 month"),
    ("en", "talks in [April 2026]", "2026-04-01 2026-04-30 month"),
    ("en", "a summit [in September]", "2025-09-01 2025-09-30 month"),
    ("en", "[In 2024] he resigned", "2024-01-01 2024-12-31 year"),
    ("en", "minister [since 2024]", "2024-01-01 - year"),
    ("en", "minister [since April]", "2025-04-01 - month"),
    ("en", "[since 20 April 2024]", "2024-04-20 - day"),
    ("en", "in [the first week of April]", "2026-04-01 2026-04-07 week"),
    ("en", "[the last week of April]", "2026-04-24 2026-04-30 week"),
    ("en", "[the second week of December 2025]", "2025-12-08 2025-12-14 week"),
    ("en", "in [early April]", "2026-04-01 2026-04-10 part"),
    ("en", "in [mid-April]", "2026-04-11 2026-04-20 part"),
    ("en", "in [late April]", "2026-04-21 2026-04-30 part"),
    ("en", "at [the end of April]", "2026-04-21 2026-04-30 part"),
    ("en", "in [early 2025]", "2025-01-01 2025-04-30 part"),
    ("en", "in [mid-2026]", "2026-05-01 2026-08-31 part"),
    ("en", "[the first half of December]", "2025-12-01 2025-12-15 half"),
    ("en", "in [the second half of 2026]", "2026-07-01 2026-12-31 half"),
    ("en", "[the first quarter of 2026]", "2026-01-01 2026-03-31 quarter"),
    ("en", "growth in [Q3 2025]", "2025-07-01 2025-09-30 quarter"),
    ("en", "on [1–7 April]", "2026-04-01 2026-04-07 range"),
    ("en", "on [April 1-7]", "2026-04-01 2026-04-07 range"),
    ("en", "[3 to 5 December]", "2025-12-03 2025-12-05 range"),
    ("en", "[between 3 and 5 December]", "2025-12-03 2025-12-05 range"),
    ("en", "[from 30 November to 2 December]", "2025-11-30 2025-12-02 range"),
    ("en", "[from 30 December to 2 January]", "2025-12-30 2026-01-02 range"),
    ("en", "[from April to June 2026]", "2026-04-01 2026-06-30 range"),
    ("en", "in [2022–2024]", "2022-01-01 2024-12-31 range"),
    ("en", "signed [2026-04-20].", "2026-04-20 2026-04-20 day"),
    ("en", "signed [20.04.2026].", "2026-04-20 2026-04-20 day"),
    ("en", "They meet [tomorrow].", "2026-03-16 2026-03-16 day"),
    ("en", "They met [yesterday].", "2026-03-14 2026-03-14 day"),
    ("en", "He flies [next Tuesday]", "2026-03-17 2026-03-17 day"),
    ("en", "as he said [last Friday]", "2026-03-13 2026-03-13 day"),
    ("en", "as he said on [Thursday]", "2026-03-12 2026-03-12 day"),
    ("en", "a round [next week]", "2026-03-16 2026-03-22 week"),
    ("en", "a round [last month]", "2026-02-01 2026-02-28 month"),
    ("en", "[two days ago]", "2026-03-13 2026-03-13 day"),
    ("en", "a round [in three weeks]", "2026-03-30 2026-04-05 week"),
    ("uk", "[Перший тиждень квітня]", "2026-04-01 2026-04-07 week"),
    ("uk", "на [першому тижні квітня]", "2026-04-01 2026-04-07 week"),
    ("uk", "[на початку квітня]", "2026-04-01 2026-04-10 part"),
    ("uk", "у [другій половині грудня]", "2025-12-16 2025-12-31 half"),
    ("uk", "зустріч [20 грудня]", "2025-12-20 2025-12-20 day"),
    ("uk", "зустріч [20 лютого]", "2026-02-20 2026-02-20 day"),
    ("uk", "міністр [з 2024 року]", "2024-01-01 - year"),
    ("uk", "[у квітні]", "2026-04-01 2026-04-30 month"),
    ("uk", "у [квітні 2026 року]", "2026-04-01 2026-04-30 month"),
    ("uk", "вибори [2024 року]", "2024-01-01 2024-12-31 year"),
    ("uk", "у [2024 році]", "2024-01-01 2024-12-31 year"),
    ("uk", "[з 3 по 5 грудня]", "2025-12-03 2025-12-05 range"),
    ("uk", "[з 30 листопада до 2 грудня]", "2025-11-30 2025-12-02 range"),
    ("uk", "[між 3 і 5 грудня]", "2025-12-03 2025-12-05 range"),
    ("uk", "[1–7 квітня]", "2026-04-01 2026-04-07 range"),
    ("uk", "[наприкінці 2025 року]", "2025-09-01 2025-12-31 part"),
    ("uk", "у [І кварталі 2026 року]", "2026-01-01 2026-03-31 quarter"),
    ("uk", "[наступного вівторка]", "2026-03-17 2026-03-17 day"),
    ("uk", "[у понеділок]", "2026-03-16 2026-03-16 day"),
    ("uk", "[минулої п’ятниці]", "2026-03-13 2026-03-13 day"),
    ("uk", "[на наступному тижні]", "2026-03-16 2026-03-22 week"),
    ("uk", "[через три дні]", "2026-03-18 2026-03-18 day"),
    ("uk", "[два дні тому]", "2026-03-13 2026-03-13 day"),
    ("uk", "[через тиждень]", "2026-03-16 2026-03-22 week"),
    ("uk", "[Завтра]", "2026-03-16 2026-03-16 day"),
    ("ru", "в [первой половине декабря]", "2025-12-01 2025-12-15 half"),
    ("ru", "[в начале апреля]", "2026-04-01 2026-04-10 part"),
    ("ru", "встреча [20 декабря]", "2025-12-20 2025-12-20 day"),
    ("ru", "встреча [20 мая 2025 года]", "2025-05-20 2025-05-20 day"),
    ("ru", "министр [с 2024 года]", "2024-01-01 - year"),
    ("ru", "министр [с апреля]", "2025-04-01 - month"),
    ("ru", "[в мае]", "2026-05-01 2026-05-31 month"),
    ("ru", "в [последнюю неделю апреля]", "2026-04-24 2026-04-30 week"),
    ("ru", "[с 3 по 5 декабря]", "2025-12-03 2025-12-05 range"),
    ("ru", "[между 3 и 5 декабря]", "2025-12-03 2025-12-05 range"),
    ("ru", "[в конце 2025 года]", "2025-09-01 2025-12-31 part"),
    ("ru", "[в следующий вторник]", "2026-03-17 2026-03-17 day"),
    ("ru", "[в прошлую пятницу]", "2026-03-13 2026-03-13 day"),
    ("ru", "[в понедельник]", "2026-03-16 2026-03-16 day"),
    ("ru", "[на следующей неделе]", "2026-03-16 2026-03-22 week"),
    ("ru", "[через три дня]", "2026-03-18 2026-03-18 day"),
    ("ru", "[пять дней назад]", "2026-03-10 2026-03-10 day"),
    ("ru", "[через неделю]", "2026-03-16 2026-03-22 week"),
]


@pytest.mark.parametrize(("language", "marked", "stored"), READINGS)
def test_a_date_expression_is_read_as_precisely_as_it_was_said(language, marked, stored):
    text = marked.replace("[", "").replace("]", "")
    start, end, precision = stored.split()
    expected = DateSpan.from_columns(
        D.fromisoformat(start), None if end == "-" else D.fromisoformat(end), precision
    )
    found = only_expression(text, language)
    assert (found.text, found.when) == (marked[marked.index("[") + 1 : marked.index("]")], expected)
    assert text[found.start : found.end] == found.text


NOT_DATES = [
    ("en", "The 28 points were discussed for 3 hours at 10:00."),
    ("en", "a 20-point plan, 2 delegations, Article 5 and 2 million people"),
    ("en", "They may march; an august body met in the 1990s."),
    ("en", "May the talks succeed."),
    ("en", "the highest in two weeks, the first time in 30 years"),
    ("en", "aid reached people in 2000 homes"),
    ("en", "the team won 3-5"),
    ("en", "a deal by the end of April"),
    ("uk", "план з 20 пунктів, 2 делегації, 28 пунктів, 3 години"),
    ("uk", "через день приходили листи"),
    ("uk", "угода до кінця квітня"),
    ("ru", "план из 20 пунктов, 2 делегации, 28 пунктов, в течение 3 часов"),
    ("ru", "через три дня после переговоров"),
    ("ru", "в среде дипломатов"),
    ("ru", "соглашение к концу апреля"),
]


@pytest.mark.parametrize(("language", "text"), NOT_DATES)
def test_numbers_and_words_that_are_not_dates_are_not_read_as_dates(language, text):
    assert find_date_expressions(text, language, reference=REFERENCE) == []


def test_a_dash_after_a_date_does_not_make_a_count_a_range():
    found = only_expression("Talks on 20 April - 28 points agreed.", "en")
    assert found.when == DateSpan.of(D(2026, 4, 20), DAY)


def test_every_expression_of_an_article_is_found_in_order_with_its_place_in_the_text():
    text = (
        "Umerov said on 20 April 2026 that the next round would be held in the first week "
        "of May; the ministry said mid-May. He has led the delegation since 2024."
    )
    found = find_date_expressions(text, "en", reference=REFERENCE)
    assert [e.text for e in found] == [
        "20 April 2026",
        "the first week of May",
        "mid-May",
        "since 2024",
    ]
    assert all(text[e.start : e.end] == e.text for e in found)
    assert [e.start for e in found] == sorted(e.start for e in found)


@pytest.mark.parametrize(
    ("language", "first_week", "same_day", "same_month"),
    [
        ("en", "the first week of December", "20 December", "in December"),
        ("uk", "у перший тиждень грудня", "20 грудня", "у грудні"),
        ("ru", "в первую неделю декабря", "20 декабря", "в декабре"),
    ],
)
def test_the_first_week_of_december_conflicts_with_20_december_and_not_with_december(
    language, first_week, same_day, same_month
):
    week = only_expression(first_week, language).when
    day = only_expression(same_day, language).when
    month = only_expression(same_month, language).when
    assert week.conflicts_with(day) and day.conflicts_with(week)
    assert not week.conflicts_with(month)
    assert not day.conflicts_with(month)


def test_languages_without_date_words_are_refused_with_the_ones_there_are():
    with pytest.raises(ValueError, match="'de'.*'en', 'uk', 'ru'"):
        find_date_expressions("am 20. April", "de", reference=REFERENCE)


DESCRIPTIONS = [
    # span, English, Ukrainian, Russian
    (DateSpan.of(D(2026, 4, 20), DAY), "20 April 2026", "20 квітня 2026", "20 апреля 2026"),
    (DateSpan.of(D(2026, 4, 9), MONTH), "April 2026", "квітень 2026", "апрель 2026"),
    (DateSpan.of(D(2026, 4, 9), YEAR), "2026", "2026 рік", "2026 год"),
    (
        DateSpan.month_week(2026, 4, 1),
        "the first week of April 2026",
        "перший тиждень квітня 2026",
        "первая неделя апреля 2026",
    ),
    (
        DateSpan.month_week(2026, 4, -1),
        "the last week of April 2026",
        "останній тиждень квітня 2026",
        "последняя неделя апреля 2026",
    ),
    (
        DateSpan.of(D(2026, 3, 18), WEEK),
        "the week of 16 March 2026",
        "тиждень з 16 березня 2026",
        "неделя с 16 марта 2026",
    ),
    (
        DateSpan.part(2026, "early", 4),
        "early April 2026",
        "початок квітня 2026",
        "начало апреля 2026",
    ),
    (
        DateSpan.part(2026, "mid", 4),
        "mid-April 2026",
        "середина квітня 2026",
        "середина апреля 2026",
    ),
    (DateSpan.part(2026, "late"), "late 2026", "кінець 2026 року", "конец 2026 года"),
    (
        DateSpan.half(2025, 2, 12),
        "the second half of December 2025",
        "друга половина грудня 2025",
        "вторая половина декабря 2025",
    ),
    (
        DateSpan.half(2026, 1),
        "the first half of 2026",
        "перша половина 2026 року",
        "первая половина 2026 года",
    ),
    (
        DateSpan.of(D(2026, 2, 1), QUARTER),
        "the first quarter of 2026",
        "перший квартал 2026 року",
        "первый квартал 2026 года",
    ),
    (
        DateSpan.between(D(2026, 4, 1), D(2026, 4, 7)),
        "1–7 April 2026",
        "1–7 квітня 2026",
        "1–7 апреля 2026",
    ),
    (
        DateSpan.between(D(2026, 11, 30), D(2026, 12, 2)),
        "30 November – 2 December 2026",
        "30 листопада – 2 грудня 2026",
        "30 ноября – 2 декабря 2026",
    ),
    (
        DateSpan.between(D(2025, 12, 30), D(2026, 1, 2)),
        "30 December 2025 – 2 January 2026",
        "30 грудня 2025 – 2 січня 2026",
        "30 декабря 2025 – 2 января 2026",
    ),
    (
        DateSpan.between(D(2026, 4, 1), D(2026, 6, 30)),
        "April–June 2026",
        "квітень–червень 2026",
        "апрель–июнь 2026",
    ),
    (DateSpan.between(D(2024, 1, 1), D(2026, 12, 31)), "2024–2026", "2024–2026", "2024–2026"),
    (
        DateSpan.between(D(2026, 4, 1), D(2026, 4, 30)),
        "1–30 April 2026",
        "1–30 квітня 2026",
        "1–30 апреля 2026",
    ),
    (DateSpan.since(D(2024, 6, 3), YEAR), "since 2024", "з 2024 року", "с 2024 года"),
    (
        DateSpan.since(D(2024, 4, 9), MONTH),
        "since April 2024",
        "з квітня 2024 року",
        "с апреля 2024 года",
    ),
    (
        DateSpan.since(D(2024, 4, 20)),
        "since 20 April 2024",
        "з 20 квітня 2024 року",
        "с 20 апреля 2024 года",
    ),
]


@pytest.mark.parametrize(("span", "english", "ukrainian", "russian"), DESCRIPTIONS)
def test_a_span_is_described_in_words_that_keep_its_precision(span, english, ukrainian, russian):
    assert [span.describe(lang) for lang in ("en", "uk", "ru")] == [english, ukrainian, russian]


def test_a_language_without_date_words_is_described_in_english():
    assert DateSpan.month_week(2026, 4, 1).describe("de") == "the first week of April 2026"


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        (DateSpan.month_week(2025, 12, 1), DateSpan.of(D(2025, 12, 20), DAY), True),
        (DateSpan.month_week(2025, 12, 1), DateSpan.of(D(2025, 12, 1), MONTH), False),
        (DateSpan.of(D(2026, 4, 1), MONTH), DateSpan.of(D(2026, 4, 20), DAY), False),
        (DateSpan.part(2026, "early", 4), DateSpan.of(D(2026, 4, 15), DAY), True),
        (DateSpan.half(2025, 1, 12), DateSpan.between(D(2025, 12, 15), D(2025, 12, 17)), False),
        (DateSpan.since(D(2024, 1, 1), YEAR), DateSpan.of(D(2023, 5, 1), YEAR), True),
        (DateSpan.since(D(2024, 1, 1), YEAR), DateSpan.of(D(2026, 4, 20), DAY), False),
        (DateSpan.since(D(2024, 1, 1), YEAR), DateSpan.since(D(2020, 3, 1), MONTH), False),
    ],
)
def test_two_dates_conflict_only_when_no_day_is_in_both(first, second, conflict):
    assert first.conflicts_with(second) is conflict
    assert second.conflicts_with(first) is conflict


@pytest.mark.parametrize(
    ("start", "end", "precision"),
    [
        (D(2026, 4, 2), D(2026, 4, 30), "month"),
        (D(2026, 4, 1), D(2026, 4, 8), "week"),
        (D(2026, 4, 5), D(2026, 4, 5), "range"),
        (D(2026, 4, 7), D(2026, 4, 1), "range"),
        (D(2026, 4, 2), None, "year"),
        (D(2026, 4, 1), D(2026, 4, 14), "half"),
        (D(2026, 4, 1), D(2026, 4, 30), "fortnight"),
    ],
)
def test_stored_values_that_are_no_span_of_their_precision_are_refused(start, end, precision):
    with pytest.raises(ValueError):
        DateSpan.from_columns(start, end, precision)


def test_of_refuses_the_precisions_that_need_more_than_a_day():
    with pytest.raises(ValueError, match="month_week"):
        DateSpan.of(D(2026, 4, 1), HALF)


def test_spans_sort_by_start_then_end_with_open_spans_last():
    day = DateSpan.of(D(2026, 1, 1), DAY)
    year = DateSpan.of(D(2026, 1, 1), YEAR)
    since = DateSpan.since(D(2026, 1, 1), YEAR)
    april = DateSpan.of(D(2026, 4, 1), MONTH)
    assert sorted([april, since, year, day]) == [day, year, since, april]


# --- Properties -------------------------------------------------------------------------

days = st.dates(min_value=D(1950, 1, 1), max_value=D(2090, 12, 31))
years = st.integers(min_value=1950, max_value=2090)
months = st.integers(min_value=1, max_value=12)
spans = st.one_of(
    st.builds(DateSpan.of, days, st.sampled_from([DAY, WEEK, MONTH, QUARTER, YEAR])),
    st.builds(DateSpan.month_week, years, months, st.sampled_from([1, 2, 3, 4, -1])),
    st.builds(DateSpan.half, years, st.sampled_from([1, 2]), st.none() | months),
    st.builds(DateSpan.part, years, st.sampled_from(["early", "mid", "late"]), st.none() | months),
    st.builds(lambda a, b: DateSpan.between(min(a, b), max(a, b)), days, days),
    st.builds(DateSpan.since, days, st.sampled_from([DAY, MONTH, YEAR])),
)


@given(spans)
def test_a_span_round_trips_through_its_three_stored_values(span):
    assert DateSpan.from_columns(*span.columns()) == span


@given(spans, spans)
def test_conflict_is_symmetric_and_sorting_is_total(first, second):
    assert first.conflicts_with(second) == second.conflicts_with(first)
    assert (first < second) + (second < first) + (first == second) == 1


@given(spans, days)
def test_a_span_never_conflicts_with_itself_or_a_day_it_contains(span, day):
    assert not span.conflicts_with(span)
    assert span.contains(span.start)
    if span.contains(day):
        assert not span.conflicts_with(DateSpan.of(day, DAY))
    else:
        assert span.conflicts_with(DateSpan.of(day, DAY))


def _reads_back(span, language):
    """A description names its year, so reading it back needs no guess, except a bare
    English year ("2026", a number like any other) and a week that is not one of its
    month's ("the week of 16 March 2026")."""
    bare_year = language == "en" and span.precision == YEAR and not span.is_open
    return not bare_year and "week of " not in span.describe()


@given(spans, st.sampled_from(["en", "uk", "ru"]))
def test_the_words_a_span_is_described_with_read_back_as_that_span(span, language):
    assume(_reads_back(span, language))
    words = span.describe(language)
    found = find_date_expressions(words, language, reference=REFERENCE)
    assert [(e.text, e.when) for e in found] == [(words, span)]
