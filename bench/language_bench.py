"""How fast the desk reads dates and keys names: a 2,000-character article per language.

    .venv/bin/python bench/language_bench.py [--repeat 50]

For English, Ukrainian and Russian articles of about 2,000 characters (dates of every kind,
counts that are not dates, names): in a fresh process, the import of the module (with
Django) and the first call (which imports dateparser and loads its language data); then the
median and p95 of warm calls, each with a new reference day so that dateparser's parser
cache does not flatter them; beside it, on the same text, dateparser's own `search_dates`
(which the desk does not use: docs/language.md) and the ratio of the two. Then `name_key`
per name, uncached and cached.
No database. Goal: well under a second per article, warm or cold.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCES = {
    "en": (
        "Rustem Umerov said on 20 April 2026 that the next round would be held in the first "
        "week of May, while the ministry spoke of mid-May. The 28 points of a 20-point plan "
        "were discussed for 3 hours by 2 delegations. Marco Rubio flies next Tuesday; Steve "
        "Witkoff met Kirill Dmitriev last Friday and from 30 November to 2 December. Since "
        "2024 Andrii Sybiha has been foreign minister; two days ago he spoke in Geneva. "
    ),
    "uk": (
        "Рустем Умєров заявив 20 квітня 2026 року, що наступний раунд відбудеться у перший "
        "тиждень травня, а міністерство говорило про середину травня. 28 пунктів плану з "
        "20 пунктів обговорювали 3 години 2 делегації. Марко Рубіо прилетить наступного "
        "вівторка; Стів Віткофф зустрівся з Кирилом Дмитрієвим минулої п'ятниці та з 30 "
        "листопада до 2 грудня. З 2024 року Андрій Сибіга міністр; два дні тому він виступав. "
    ),
    "ru": (
        "Рустем Умеров заявил 20 апреля 2026 года, что следующий раунд пройдёт в первую "
        "неделю мая, а министерство говорило о середине мая. 28 пунктов плана из 20 пунктов "
        "обсуждали 3 часа 2 делегации. Марко Рубио прилетит в следующий вторник; Стив "
        "Уиткофф встретился с Кириллом Дмитриевым в прошлую пятницу и с 30 ноября по 2 "
        "декабря. С 2024 года Андрей Сибига министр; два дня назад он выступал в Женеве. "
    ),
}
NAMES = [
    *("Volodymyr", "Zelenskyy", "Зеленський", "Зеленский", "Rustem", "Umerov", "Умєров"),
    *("Andrii", "Yermak", "Єрмак", "Steve", "Witkoff", "Віткофф", "Уиткофф", "Jared"),
    *("Kushner", "Кушнер", "Marco", "Rubio", "Рубіо", "Vladimir", "Putin", "Путін"),
    *("Kirill", "Dmitriev", "Дмитрієв", "Sergei", "Lavrov", "Лавров", "Sybiha", "Київ"),
]
REFERENCE = datetime.date(2026, 3, 15)


def article(language: str) -> str:
    sentences = SENTENCES[language]
    return (sentences * (2000 // len(sentences) + 1))[:2000]


def cold(language: str) -> tuple[float, float]:
    """Seconds to import the module (with Django, which a desk process has loaded already)
    and for the first call (which imports dateparser), in a fresh process."""
    code = (
        "import time, datetime; t = time.perf_counter()\n"
        "from talks.language.dates import find_date_expressions\n"
        "from bench.language_bench import article\n"
        f"text = article({language!r}); t1 = time.perf_counter()\n"
        f"find_date_expressions(text, {language!r}, reference=datetime.date(2026, 3, 15))\n"
        "print(t1 - t, time.perf_counter() - t1)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if out.returncode:
        sys.exit(out.stderr)
    imported, first = out.stdout.split()
    return float(imported), float(first)


def timed(call, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from dateparser.search import search_dates

    from talks.language import spellings
    from talks.language.dates import find_date_expressions

    columns = ["chars", "found", "import", "1st call", "warm", "p95", "dp.search", "hits"]
    print("times in ms; dp: dateparser's search_dates on the same text")
    print("lang", *(f"{column:>9}" for column in columns), f"{'dp/ours':>9}")
    for language in SENTENCES:
        text = article(language)
        imported, first = cold(language)

        def ours(i, text=text, language=language):
            reference = REFERENCE + datetime.timedelta(days=i)
            return find_date_expressions(text, language, reference=reference)

        def theirs(i, text=text, language=language):
            base = datetime.datetime(2026, 3, 15) + datetime.timedelta(days=i)
            return search_dates(text, languages=[language], settings={"RELATIVE_BASE": base})

        ours(0), theirs(0)  # warm both
        warm = timed(ours, args.repeat)
        search = timed(theirs, max(args.repeat // 5, 3))
        p95 = statistics.quantiles(warm, n=20)[-1]
        ratio = statistics.median(search) / statistics.median(warm)
        row = [len(text), len(ours(0))]
        row += [f"{t * 1000:.1f}" for t in (imported, first, statistics.median(warm), p95)]
        row += [f"{statistics.median(search) * 1000:.1f}", len(theirs(0) or []), f"{ratio:.1f}"]
        print(f"{language:4}", *(f"{value:>9}" for value in row))

    words = NAMES * 40
    spellings._word_key.cache_clear()
    start = time.perf_counter()
    for word in words:
        spellings._spelling_key(word)
    uncached = (time.perf_counter() - start) / len(words)
    start = time.perf_counter()
    for word in words:
        spellings.name_key(word)
    cached = (time.perf_counter() - start) / len(words)
    print(f"name_key: {uncached * 1e6:.1f} µs a word uncached, {cached * 1e6:.1f} µs cached")


if __name__ == "__main__":
    main()
