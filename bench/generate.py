"""Fill a PostgreSQL database with realistic, deterministic desk data, fast (COPY).

    uv run python bench/generate.py --claims 1000000 --database fd_scale_1m

Makes, per claim: two citations, one person it is about and about ten history rows (its
creation and nine edits); and in proportion: sources (1 per 10 claims), people (1 per 50),
meetings (1 per 20), roles and other names (2 per person: one in Ukrainian Cyrillic, with
the keys the readers' search finds people by), contradictions (1 per 100), with a creation
history row for each. Three claims in five are in English, one in Ukrainian, one in Russian.
A comparison of sizes must compare the same work, so:
- every table has at least ``FULL_PAGE`` rows (sources twice that, a basis for every two),
  and every admin list a full first page;
- claims reach people, meetings and sources at the same density at any size (a person makes
  about 45 claims and is the subject of 45, a meeting and a source have 20), so a page about
  one of them lists as much at a thousand claims as at a million; the rows beyond that
  density, there to fill the lists, carry no claims;
- one principal, person 1, makes and is the subject of one claim in ten, at any size: the
  pages of someone the desk quotes all the time;
- person 2 is Volodymyr Zelenskyy (Володимир Зеленський), with a name no one else has:
  a search for him finds the claims he makes and is about, as many at any size.
The database is dropped, re-created and migrated first.
Same arguments, same data.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_NAMES = [
    "Rustem",
    "Olga",
    "Marco",
    "Steve",
    "Jared",
    "Kirill",
    "Yuri",
    "Andriy",
    "Anna",
    "Pavlo",
    "Iryna",
    "Dmytro",
    "Maria",
]
LAST_NAMES = [
    "Umerov",
    "Hnatov",
    "Rubio",
    "Witkoff",
    "Kushner",
    "Dmitriev",
    "Ushakov",
    "Kovalenko",
    "Shevchenko",
    "Bondar",
]
# The names above as Ukrainian and as Russian texts write them.
IN_CYRILLIC = {
    "Rustem": {"uk": "Рустем", "ru": "Рустем"},
    "Olga": {"uk": "Ольга", "ru": "Ольга"},
    "Marco": {"uk": "Марко", "ru": "Марко"},
    "Steve": {"uk": "Стів", "ru": "Стив"},
    "Jared": {"uk": "Джаред", "ru": "Джаред"},
    "Kirill": {"uk": "Кирило", "ru": "Кирилл"},
    "Yuri": {"uk": "Юрій", "ru": "Юрий"},
    "Andriy": {"uk": "Андрій", "ru": "Андрей"},
    "Anna": {"uk": "Анна", "ru": "Анна"},
    "Pavlo": {"uk": "Павло", "ru": "Павел"},
    "Iryna": {"uk": "Ірина", "ru": "Ирина"},
    "Dmytro": {"uk": "Дмитро", "ru": "Дмитрий"},
    "Maria": {"uk": "Марія", "ru": "Мария"},
    "Umerov": {"uk": "Умєров", "ru": "Умеров"},
    "Hnatov": {"uk": "Гнатов", "ru": "Гнатов"},
    "Rubio": {"uk": "Рубіо", "ru": "Рубио"},
    "Witkoff": {"uk": "Віткофф", "ru": "Уиткофф"},
    "Kushner": {"uk": "Кушнер", "ru": "Кушнер"},
    "Dmitriev": {"uk": "Дмитрієв", "ru": "Дмитриев"},
    "Ushakov": {"uk": "Ушаков", "ru": "Ушаков"},
    "Kovalenko": {"uk": "Коваленко", "ru": "Коваленко"},
    "Shevchenko": {"uk": "Шевченко", "ru": "Шевченко"},
    "Bondar": {"uk": "Бондар", "ru": "Бондарь"},
}
NAMED = 2  # the person with a name of his own (see the docstring)
NAMED_PERSON = ("Volodymyr Zelenskyy", "Володимир Зеленський")
CITIES = [
    "Geneva",
    "Miami",
    "Moscow",
    "Istanbul",
    "Riyadh",
    "Dublin",
    "Kyiv",
    "Warsaw",
    "Ankara",
    "Doha",
    "Vienna",
]
OUTLETS = [
    "Suspilne",
    "Reuters",
    "AP",
    "Interfax",
    "Ukrainska-Pravda",
    "Kyiv-Independent",
    "TASS",
    "BBC",
]
VERBS = [
    "said the talks were productive",
    "denied that any compromise had been reached",
    "announced a new round of negotiations",
    "confirmed the delegation would travel",
    "called the proposal a basis for peace",
    "said the plan now has 20 points",
    "rejected the territorial demands",
    "said the meeting lasted nearly five hours",
]
VERBS_IN = {
    "uk": [
        "заявив, що переговори були продуктивними",
        "заперечив, що досягнуто будь-якого компромісу",
        "оголосив новий раунд переговорів",
        "підтвердив, що делегація поїде",
        "назвав пропозицію основою для миру",
        "сказав, що план тепер має 20 пунктів",
        "відкинув територіальні вимоги",
        "сказав, що зустріч тривала майже п'ять годин",
    ],
    "ru": [
        "заявил, что переговоры были продуктивными",
        "отрицал, что достигнут какой-либо компромисс",
        "объявил новый раунд переговоров",
        "подтвердил, что делегация поедет",
        "назвал предложение основой для мира",
        "сказал, что план теперь содержит 20 пунктов",
        "отверг территориальные требования",
        "сказал, что встреча длилась почти пять часов",
    ],
}
AFTER_THE_TALKS = {"uk": "після переговорів", "ru": "после переговоров"}
CLAIM_LANGUAGES = ["en"] * 3 + ["uk", "ru"]
STATUSES = ["published"] * 7 + ["draft", "in_review", "retracted"]
VERDICTS = ["accurate", "mostly_accurate", "misleading", "mostly_false", "false", "unverifiable"]
EPOCH = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
FULL_PAGE = 150  # more than an admin list page (100)
# A word that the first claim, source and meeting carry, and the first person's description:
# a search for it finds the same few rows at any size, where a common word fills a page.
NEEDLE = "Kakhovka"
NEEDLE_PHRASE = "Kakhovka dam"  # the first claim's: a phrase that few claims carry
HISTORY_EDITS_PER_CLAIM = 9
PRINCIPAL = 1  # the person who makes, and is the subject of, one claim in ten


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--database", default="fd_scale")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    recreate_database(args.database, url)
    started = time.perf_counter()
    counts = generate(url, args.claims, args.seed)
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    for table, count in counts.items():
        print(f"{table:32} {count:>12,}")
    print(f"{'total rows':32} {total:>12,}  in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)")


def recreate_database(name, url):
    for command in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def generate(url, claim_count, seed):
    setup_django(url)
    from django.db import connection, transaction

    from sources.models import Source, SourceBasis
    from talks.models import (
        Citation,
        Claim,
        ClaimSubject,
        Contradiction,
        Meeting,
        MeetingCitation,
        Participant,
        Person,
        PersonAlias,
        PersonNameKey,
        Role,
        RoleCitation,
    )

    rng = random.Random(seed)
    names = {}  # person id -> (first name, last name), for their other names
    per_claim = {Source: 10, Person: 50, Meeting: 20}  # claims per source, person, meeting
    reached = {model: max(1, claim_count // n) for model, n in per_claim.items()}
    sizes = {model: max(FULL_PAGE, n) for model, n in reached.items()}
    sizes[Source] = max(2 * FULL_PAGE, sizes[Source])  # a source basis for every two sources
    counts = {}
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        writer = CopyWriter(cursor, counts)
        writer.write(Source, sources(rng, sizes[Source]))
        writer.write(SourceBasis, source_bases(sizes[Source]))
        writer.write(Person, people(rng, sizes[Person], names))
        writer.write(PersonAlias, aliases(sizes[Person], names))
        writer.copy(PersonNameKey, name_keys(sizes[Person], names))
        writer.write(Role, roles(rng, sizes[Person]))
        writer.write(RoleCitation, links("role_id", sizes[Person] * 2, sizes[Source]))
        writer.write(Meeting, meetings(rng, sizes[Meeting]))
        writer.write(Participant, participants(rng, sizes[Meeting], sizes[Person]))
        writer.write(MeetingCitation, links("meeting_id", sizes[Meeting], sizes[Source]))
        writer.write(Claim, claims(rng, claim_count, reached))
        writer.write(Citation, citations(rng, claim_count, reached[Source]))
        writer.write(ClaimSubject, subjects(rng, claim_count, reached[Person]))
        writer.write(Contradiction, contradictions(rng, claim_count))
        writer.write_claim_edits(Claim, HISTORY_EDITS_PER_CLAIM)
        for model in writer.models_written:
            writer.reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # where autovacuum keeps a live database
    return counts


class CopyWriter:
    """COPY rows into a model's table, then derive its history rows inside the database."""

    def __init__(self, cursor, counts):
        self.cursor, self.counts, self.models_written = cursor, counts, []

    def write(self, model, rows):
        """The rows, and a creation row for each in the history table."""
        self.copy(model, rows)
        self._derive_history(model, "created_at", "'Generated'", "'+'")
        self.models_written.append(model)

    def copy(self, model, rows):
        """The rows alone: for a table without history (keys derived from other rows)."""
        from sources.records import written_fields

        fields = written_fields(model)
        columns = [f.column for f in fields]
        table = model._meta.db_table
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(f.attname, _default(f)) for f in fields])
        self.counts[table] = self._count(table)

    def write_claim_edits(self, claim_model, edits):
        """Later versions of each claim in its history: the desk's ordinary editing."""
        self._derive_history(
            claim_model,
            "created_at + e * interval '1 hour'",
            "'Edit ' || e",
            "'~'",
            join=f"CROSS JOIN generate_series(1, {edits}) AS e",
            replace={"updated_at": "created_at + e * interval '1 hour'"},
        )

    def _derive_history(self, model, date, reason, kind, join="", replace=None):
        history = model.history.model._meta.db_table
        columns = [f.column for f in model.history.model.tracked_fields]
        values = [(replace or {}).get(column, column) for column in columns]
        self.cursor.execute(
            f"INSERT INTO {history} ({', '.join(columns)}, history_date, "
            "history_change_reason, history_type) "
            f"SELECT {', '.join(values)}, {date}, {reason}, {kind} "
            f"FROM {model._meta.db_table} {join}"
        )
        self.counts[history] = self._count(history)

    def _count(self, table):
        self.cursor.execute(f"SELECT count(*) FROM {table}")
        return self.cursor.fetchone()[0]

    def reset_sequence(self, model):
        for table, key in (
            (model._meta.db_table, "id"),
            (model.history.model._meta.db_table, "history_id"),
        ):
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                f"(SELECT coalesce(max({key}), 1) FROM {table}))"
            )


def _default(field):
    return field.get_default() if field.has_default() or not field.null else None


def _needle(index):
    return f" {NEEDLE}" if index == 1 else ""


def _when(index):
    return EPOCH + datetime.timedelta(minutes=index)


def sources(rng, count):
    for i in range(1, count + 1):
        outlet = rng.choice(OUTLETS)
        yield {
            "id": i,
            "slug": f"source-{i}",
            "kind": "news_article",
            "title": f"{outlet} report on the talks in {rng.choice(CITIES)} ({i}){_needle(i)}",
            "url": f"https://{outlet.lower()}.example.org/news/{i}",
            "outlet": outlet,
            "language": rng.choice(["en", "uk", "ru"]),
            "published_on": (EPOCH + datetime.timedelta(days=i % 700)).date(),
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def source_bases(source_count):
    """Every second source relays the one before it: provenance chains of two."""
    for i in range(1, source_count // 2 + 1):
        yield {
            "id": i,
            "source_id": i * 2,
            "basis_id": i * 2 - 1,
            "note": "Relays it",
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def links(owner, owner_count, source_count):
    """One citation per owner (a role, a meeting) of the source that establishes it."""
    for i in range(1, owner_count + 1):
        yield {
            "id": i,
            owner: i,
            "source_id": i % source_count + 1,
            "quote": f"Quoted from source {i % source_count + 1}.",
            "location": "paragraph 2",
            "relation": "repeats",
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def participants(rng, meeting_count, person_count):
    """Four people at each meeting, two for each side."""
    for i in range(1, meeting_count * 4 + 1):
        meeting = (i + 3) // 4
        yield {
            "id": i,
            "meeting_id": meeting,
            "person_id": (meeting * 4 + i % 4) % person_count + 1,
            "side": "Ukraine" if i % 2 else "United States",
            "role": "head_of_delegation" if i % 4 == 1 else "delegate",
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def people(rng, count, names):
    for i in range(1, count + 1):
        names[i] = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        name = NAMED_PERSON[0] if i == NAMED else f"{' '.join(names[i])} {i}"
        yield {
            "id": i,
            "slug": f"person-{i}",
            "name": name,
            "description": f"Negotiator{_needle(i)}",
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def _alias_name(i, person, names):
    """A person's other names: an alias, and the name in Ukrainian Cyrillic."""
    if i % 2:
        return f"Alias {i} of person {person}", "en"
    if person == NAMED:
        return NAMED_PERSON[1], "uk"
    first, last = (IN_CYRILLIC[name]["uk"] for name in names[person])
    return f"{first} {last} {person}", "uk"


def aliases(person_count, names):
    for i in range(1, person_count * 2 + 1):
        person = (i + 1) // 2
        name, language = _alias_name(i, person, names)
        yield {
            "id": i,
            "person_id": person,
            "name": name,
            "kind": "transliteration" if i % 2 else "native",
            "language": language,
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def name_keys(person_count, names):
    """The keys of every name and other name, as ``PersonNameKey.objects.rebuild`` makes them."""
    from talks.language.spellings import spelled_keys

    key_id = 0
    for person in range(1, person_count + 1):
        first, last = names[person]
        own = NAMED_PERSON[0] if person == NAMED else f"{first} {last} {person}"
        spellings = [(None, own)]
        spellings += [(i, _alias_name(i, person, names)[0]) for i in (person * 2 - 1, person * 2)]
        for alias, spelling_of in spellings:
            for key, spelling in spelled_keys(spelling_of):
                key_id += 1
                yield {
                    "id": key_id,
                    "person_id": person,
                    "alias_id": alias,
                    "key": key,
                    "spelling": spelling,
                }


def roles(rng, person_count):
    for i in range(1, person_count * 2 + 1):
        person = (i + 1) // 2
        start = EPOCH.date() + datetime.timedelta(days=rng.randrange(-2000, 300))
        yield {
            "id": i,
            "person_id": person,
            "title": f"Envoy {i}",
            "organisation": rng.choice(["United States", "Ukraine", "Russia"]),
            "start_date": start,
            "end_date": start + datetime.timedelta(days=900) if i % 2 else None,
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def meetings(rng, count):
    for i in range(1, count + 1):
        city = rng.choice(CITIES)
        yield {
            "id": i,
            "slug": f"meeting-{i}",
            "title": f"Talks in {city} ({i}){_needle(i)}",
            "kind": "negotiation_round",
            "status": "held",
            "start_date": (EPOCH + datetime.timedelta(days=i % 700)).date(),
            "place": city,
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def _person(rng, index, person_count):
    return PRINCIPAL if index % 10 == 0 else rng.randrange(1, person_count + 1)


def _claim_text(rng, i, language, claimed):
    first, last, city = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(CITIES)
    if language == "en":
        needle = f" {NEEDLE_PHRASE}." if i == 1 else ""
        return (
            f"{first} {last} {rng.choice(VERBS)} after the talks in {city} on "
            f"{claimed:%d %B %Y} (claim {i}).{needle}"
        )
    return (
        f"{IN_CYRILLIC[first][language]} {IN_CYRILLIC[last][language]} "
        f"{rng.choice(VERBS_IN[language])} "
        f"{AFTER_THE_TALKS[language]} ({city}, {claimed:%d.%m.%Y}; {i})."
    )


def claims(rng, count, reached):
    from talks.models import Meeting, Person

    for i in range(1, count + 1):
        status = rng.choice(STATUSES) if i > 1 else "published"  # readers find the needle
        person = _person(rng, i, reached[Person])
        language = rng.choice(CLAIM_LANGUAGES) if i > 1 else "en"
        claimed = (EPOCH + datetime.timedelta(days=i % 700)).date()
        yield {
            "id": i,
            "slug": f"claim-{i}",
            "text": _claim_text(rng, i, language, claimed),
            "language": language,
            "claimant_id": person,
            "claimed_on": claimed,
            "meeting_id": rng.randrange(1, reached[Meeting] + 1),
            "status": status,
            "verdict": rng.choice(VERDICTS) if status in ("published", "retracted") else "",
            "verdict_rationale": "Checked against the sources." if status == "published" else "",
            "published_at": _when(i) if status in ("published", "retracted") else None,
            "created_at": _when(i),
            "updated_at": _when(i) + datetime.timedelta(hours=HISTORY_EDITS_PER_CLAIM),
        }


def citations(rng, claim_count, source_count):
    for i in range(1, claim_count * 2 + 1):
        claim = (i + 1) // 2
        source = (claim * 2 + i % 2) % source_count + 1
        yield {
            "id": i,
            "claim_id": claim,
            "source_id": source,
            "quote": f"As reported, claim {claim} stands in source {source}.",
            "location": f"paragraph {rng.randrange(1, 20)}",
            "relation": "originates" if i % 2 else "repeats",
            "created_at": _when(claim),
            "updated_at": _when(claim),
        }


def subjects(rng, claim_count, person_count):
    for i in range(1, claim_count + 1):
        yield {
            "id": i,
            "claim_id": i,
            "person_id": _person(rng, i + 5, person_count),
            "created_at": _when(i),
            "updated_at": _when(i),
        }


def contradictions(rng, claim_count):
    count = max(FULL_PAGE, claim_count // 100)
    spacing = claim_count // count
    for i in range(1, count + 1):
        a = (i - 1) * spacing + 1
        yield {
            "id": i,
            "claim_a_id": a,
            "claim_b_id": a + 1,
            "kind": rng.choice(["role", "date", "place", "number", "event"]),
            "status": rng.choice(["open", "confirmed", "dismissed"]),
            "note": "Generated pair.",
            "flagged_at": _when(a),
            "created_at": _when(a),
            "updated_at": _when(a),
        }


if __name__ == "__main__":
    main()
