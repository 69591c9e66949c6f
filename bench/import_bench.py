"""How fast the fixture importer is, and how much memory it takes, against loaddata and COPY.

    .venv/bin/python bench/import_bench.py [--scale 10] [--server postgres://postgres@127.0.0.1:5432]

Generates a fixture shaped like the desk's data (sources, people with other names and roles,
meetings with participants, claims with two citations each, some contradictions: 36,000
objects per unit of ``--scale``; deterministic), then on PostgreSQL, each in a fresh
database of its own, times:

- ``import_fixtures`` (checks, resolves natural keys, writes rows and their history rows),
- ``loaddata`` (Django's fixture loader: no history),
- a COPY of the very rows the importer wrote into the desk's tables (no history, no checks:
  the floor), and the same with their history rows (the floor for any importer that keeps
  history),

and prints objects per second for each, the importer's ratios to the other two, its peak
memory (the worker process's maximum resident set), and a second import of the same file
(which must write nothing). Each timed step runs in a worker process of its own, started
after Django is set up and the database migrated; only the step itself is timed.
"""

import argparse
import datetime
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ["importer", "loaddata", "copy"]  # each runs in a database of its own, named for it
# The desk's tables in an order where references point backwards (talks' FIXTURE_MODELS).
TABLES = [
    "sources_source",
    "sources_sourcebasis",
    "talks_person",
    "talks_personalias",
    "talks_role",
    "talks_rolecitation",
    "talks_meeting",
    "talks_participant",
    "talks_meetingcitation",
    "talks_claim",
    "talks_claimsubject",
    "talks_citation",
    "talks_statement",
    "talks_contradiction",
    "talks_contradictionsuggestion",
]

# Objects per unit of scale: 36,000 in all.
SHAPE = {
    "sources.source": 3000,
    "sources.sourcebasis": 1000,
    "talks.person": 1500,
    "talks.personalias": 1500,
    "talks.role": 1000,
    "talks.rolecitation": 1000,
    "talks.meeting": 500,
    "talks.participant": 2000,
    "talks.meetingcitation": 500,
    "talks.claim": 6200,
    "talks.claimsubject": 5000,
    "talks.citation": 12400,
    "talks.contradiction": 400,
}

WORDS = [
    "delegation",
    "talks",
    "envoy",
    "ceasefire",
    "agreement",
    "sanctions",
    "minister",
    "summit",
    "peace",
    "plan",
    "security",
    "guarantees",
    "territory",
    "energy",
    "prisoners",
    "exchange",
    "negotiators",
    "readout",
    "statement",
    "briefing",
    "Miami",
    "Moscow",
    "Kyiv",
    "Istanbul",
    "Geneva",
    "Washington",
    "productive",
    "compromise",
    "framework",
]
OUTLETS = ["Reuters", "Suspilne", "AP", "Interfax", "Kyiv Independent", "TASS", "BBC", ""]


def generate(scale, seed=20251205):
    """The fixture as a list of objects; the same list for the same scale and seed."""
    rng = random.Random(seed)
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)

    def words(low, high):
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))

    def stamp():
        moment = start + datetime.timedelta(seconds=rng.randint(0, 330 * 86400))
        created = moment.replace(microsecond=rng.randint(0, 999) * 1000)
        updated = created + datetime.timedelta(minutes=rng.randint(0, 5000))
        iso = lambda t: t.isoformat(timespec="milliseconds").replace("+00:00", "Z")  # noqa: E731
        return {"created_at": iso(created), "updated_at": iso(updated)}

    def day():
        return (
            datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 340))
        ).isoformat()

    count = {label: n * scale for label, n in SHAPE.items()}
    objects = []

    def add(label, **fields):
        objects.append({"model": label, "fields": {**stamp(), **fields}})

    sources = [f"source-{n}" for n in range(count["sources.source"])]
    kinds = ["news_article"] * 6 + ["official_statement", "interview", "anonymous_briefing"]
    for n, slug in enumerate(sources):
        add(
            "sources.source",
            slug=slug,
            kind=rng.choice(kinds),
            title=f"{words(4, 12).capitalize()} ({n})",
            url=f"https://news{n % 40}.example.org/2025/{slug}" if n % 5 else "",
            outlet=rng.choice(OUTLETS),
            author=rng.choice(["", "A. Reporter", "B. Correspondent"]),
            language=rng.choice(["en", "uk", "ru", ""]),
            published_on=day(),
            retrieved_on=day() if n % 3 else None,
            notes=words(0, 30),
        )
    for n in range(count["sources.sourcebasis"]):
        source = 1 + n * (len(sources) - 1) // count["sources.sourcebasis"]
        add(
            "sources.sourcebasis",
            source=[sources[source]],
            basis=[sources[rng.randrange(source)]],
            note=words(0, 5),
        )

    people = [f"person-{n}" for n in range(count["talks.person"])]
    for n, slug in enumerate(people):
        add(
            "talks.person",
            slug=slug,
            name=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {n}",
            description=words(0, 8),
            wikidata_id=f"Q{100000 + n}" if n % 2 else "",
        )
    for n in range(count["talks.personalias"]):
        add(
            "talks.personalias",
            person=[people[n % len(people)]],
            name=f"Alias {n}",
            kind=rng.choice(["spelling", "transliteration", "native", "short"]),
            language=rng.choice(["uk", "ru", "en"]),
        )
    roles = []
    for n in range(count["talks.role"]):
        person = people[n % len(people)]
        title, start_date = f"Role {n}", day() if n % 4 else None
        end_date = None
        if start_date and n % 3 == 0:
            end_date = (
                datetime.date.fromisoformat(start_date) + datetime.timedelta(days=30)
            ).isoformat()
        roles.append([person, title, start_date])
        add(
            "talks.role",
            person=[person],
            title=title,
            organisation=rng.choice(["United States", "Ukraine", "Russia", ""]),
            on_behalf_of=[people[(n + 7) % len(people)]] if n % 2 else None,
            start_date=start_date,
            end_date=end_date,
        )
    for n in range(count["talks.rolecitation"]):
        add(
            "talks.rolecitation",
            role=roles[n % len(roles)],
            source=[sources[(n * 7) % len(sources)]],
            quote=words(3, 15),
        )

    meetings = [f"meeting-{n}" for n in range(count["talks.meeting"])]
    for n, slug in enumerate(meetings):
        start_date = day()
        add(
            "talks.meeting",
            slug=slug,
            title=f"Talks in {rng.choice(WORDS)} {n}",
            kind=rng.choice(["negotiation_round", "call", "summit", "bilateral_meeting"]),
            status=rng.choice(["held", "held", "planned", "cancelled"]),
            start_date=start_date,
            end_date=start_date if n % 2 else None,
            place=rng.choice(["Miami", "Moscow", "Geneva", "by phone"]),
            description=words(0, 20),
        )
    per_meeting = count["talks.participant"] // len(meetings)
    for n in range(count["talks.participant"]):
        meeting = n // per_meeting
        add(
            "talks.participant",
            meeting=[meetings[meeting]],
            person=[people[(meeting * per_meeting + n % per_meeting) % len(people)]],
            side=rng.choice(["Ukraine", "United States", "Russia"]),
            role=rng.choice(["head_of_delegation", "delegate", "adviser"]),
        )
    for n in range(count["talks.meetingcitation"]):
        add(
            "talks.meetingcitation",
            meeting=[meetings[n % len(meetings)]],
            source=[sources[(n * 11) % len(sources)]],
            location=f"paragraph {rng.randint(1, 12)}",
        )

    claims = [f"claim-{n}" for n in range(count["talks.claim"])]
    for n, slug in enumerate(claims):
        status = rng.choice(["draft", "in_review", "published", "published"])
        published = status == "published"
        add(
            "talks.claim",
            slug=slug,
            text=f"{words(8, 30).capitalize()}.",
            claimant=[people[n % len(people)]] if n % 3 else None,
            claimant_label="" if n % 3 else "Sources within the delegation",
            claimed_on=day(),
            meeting=[meetings[n % len(meetings)]] if n % 2 else None,
            status=status,
            verdict=rng.choice(["accurate", "misleading", "false", "unverifiable"])
            if published
            else "",
            verdict_rationale=words(5, 25) if published else "",
            published_at=stamp()["updated_at"] if published else None,
        )
    for n in range(count["talks.claimsubject"]):
        add(
            "talks.claimsubject",
            claim=[claims[n % len(claims)]],
            person=[people[(n * 13 + n // len(claims)) % len(people)]],
        )
    for n in range(count["talks.citation"]):
        claim = n // 2
        add(
            "talks.citation",
            claim=[claims[claim]],
            source=[sources[(claim * 2 + n % 2) % len(sources)]],
            quote=words(5, 25),
            location=f"paragraph {rng.randint(1, 12)}",
            relation=rng.choice(["originates", "repeats"]),
        )
    for n in range(count["talks.contradiction"]):
        a, b = claims[2 * n], claims[2 * n + 1]
        resolved = n % 4 == 0
        add(
            "talks.contradiction",
            claim_a=[a],
            claim_b=[b],
            kind=rng.choice(["role", "date", "place", "event"]),
            note=words(5, 15),
            status="resolved" if resolved else "open",
            prevailing_claim=[b] if resolved else None,
        )
    return objects


# --- Workers: one process per timed step -------------------------------------------------------


def memory_mib(name):
    """VmRSS (now) or VmHWM (peak) of this process; unlike ru_maxrss, not inherited at exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{name}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker(method, path):
    """Run one step against DATABASE_URL and print its time and memory as JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from talks.exchange import import_fixtures

    connection.ensure_connection()  # connecting is not the step: COPY's time leaves it out too
    rss_before = memory_mib("VmRSS")
    clock = time.perf_counter()
    if method == "importer":
        result = import_fixtures([path], reason="benchmark")
        outcome = dict(result.totals())
    else:
        call_command("loaddata", path, verbosity=0)
        outcome = {}
    seconds = time.perf_counter() - clock
    report = {"seconds": seconds, "rss_before_mib": rss_before, "rss_peak_mib": memory_mib("VmHWM")}
    print(json.dumps({**report, **outcome}))


def run_worker(method, path, server, database):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{server}/{database}",
        "SECRET_KEY": "benchmark-only",
        "DEBUG": "0",
    }
    done = subprocess.run(
        [sys.executable, __file__, "--worker", method, str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{method} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_database(server, name):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"{server}/{name}", "SECRET_KEY": "benchmark-only"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True
    )


def drop_database(server, name):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def history_table(table):
    app, model = table.split("_", 1)
    return f"{app}_historical{model}"


def empty(server, database, tables):
    import psycopg

    with psycopg.connect(f"{server}/{database}") as connection:
        connection.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def count_history(server, database):
    import psycopg

    with psycopg.connect(f"{server}/{database}") as connection:
        return sum(
            connection.execute(f"SELECT count(*) FROM {history_table(table)}").fetchone()[0]
            for table in TABLES
        )


def dump_tables(server, database, tables):
    """The tables as COPY writes them, to be copied into another database."""
    import psycopg

    dumps = {}
    with psycopg.connect(f"{server}/{database}") as source:
        for table in tables:
            buffer = io.BytesIO()
            with source.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            dumps[table] = buffer.getvalue()
    return dumps


def time_copy(server, database, dumps):
    """COPY the rows into the (empty) tables; the COPY and its commit are timed."""
    import psycopg

    with psycopg.connect(f"{server}/{database}") as target:
        clock = time.perf_counter()
        with target.cursor() as cursor:
            for table, rows in dumps.items():
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(rows)
        target.commit()
        return time.perf_counter() - clock


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="36,000 objects per unit")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the importer and of COPY, taken in turn"
    )
    parser.add_argument(
        "--without-loaddata", action="store_true", help="skip loaddata, the slow part"
    )
    parser.add_argument(
        "--database-prefix",
        default="fd_import_bench",
        help="names of the databases created and dropped: PREFIX_importer, _loaddata, _copy",
    )
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return

    objects = generate(args.scale)
    total = len(objects)
    server = args.server
    importer_db, loaddata_db, copy_db = (f"{args.database_prefix}_{step}" for step in STEPS)
    desk_and_history = [
        *TABLES,
        *map(history_table, TABLES),
        "sources_historylink",  # the history's chain: one link per history row
        "talks_importrun",
        "talks_historicalimportrun",
    ]
    with tempfile.TemporaryDirectory(prefix="fd_import_bench_") as folder:
        path = Path(folder) / "bench.json"
        path.write_text(json.dumps(objects, ensure_ascii=False, indent=2), encoding="utf-8")
        del objects
        size = path.stat().st_size / 2**20
        print(f"fixture: {total:,} objects, {size:.1f} MiB; PostgreSQL at {server}")

        for database in (importer_db, loaddata_db, copy_db):
            fresh_database(server, database)
        try:
            imports, copies, copies_with_history, dumps = [], [], [], None
            for _ in range(args.repeat):
                empty(server, importer_db, desk_and_history)
                imports.append(run_worker("importer", path, server, importer_db))
                dumps = dumps or dump_tables(server, importer_db, desk_and_history[:-2])
                empty(server, copy_db, desk_and_history)
                desk_only = {table: dumps[table] for table in TABLES}
                copies.append(time_copy(server, copy_db, desk_only))
                empty(server, copy_db, desk_and_history)
                copies_with_history.append(time_copy(server, copy_db, dumps))
            history_rows = count_history(server, importer_db)
            again = run_worker("importer", path, server, importer_db)
            history_after = count_history(server, importer_db)
            loaddata = None
            if not args.without_loaddata:
                loaddata = run_worker("loaddata", path, server, loaddata_db)
                loaddata["history_rows"] = count_history(server, loaddata_db)
        finally:
            for database in (importer_db, loaddata_db, copy_db):
                drop_database(server, database)

    best_import = min(run["seconds"] for run in imports)
    best_copy, best_copy_history = min(copies), min(copies_with_history)
    rate = {
        "importer": total / best_import,
        "copy": total / best_copy,
        "copy with history": total / best_copy_history,
    }
    rows = [
        ("import_fixtures (with history)", best_import, rate["importer"]),
        ("COPY of the same rows (no history)", best_copy, rate["copy"]),
        ("COPY of the rows and history rows", best_copy_history, rate["copy with history"]),
    ]
    if loaddata:
        rate["loaddata"] = total / loaddata["seconds"]
        rows.insert(1, ("loaddata (no history)", loaddata["seconds"], rate["loaddata"]))
    print(f"best of {args.repeat} runs each for import_fixtures and the COPYs, taken in turn:")
    for name, seconds, per_second in rows:
        print(f"  {name:<36} {seconds:8.2f} s {per_second:>10,.0f} objects/s")
    print(f"  every run: import_fixtures {', '.join(f'{r["seconds"]:.2f}' for r in imports)} s;")
    print(f"             COPY {', '.join(f'{seconds:.2f}' for seconds in copies)} s;")
    print(
        "             COPY with history "
        f"{', '.join(f'{seconds:.2f}' for seconds in copies_with_history)} s"
    )
    if loaddata:
        ratio = rate["importer"] / rate["loaddata"]
        print(f"import_fixtures / loaddata: {ratio:.1f}x (goal: at least 10x)")
    print(f"import_fixtures / COPY:     {rate['importer'] / rate['copy']:.0%} (goal: at least 40%)")
    ratio = rate["importer"] / rate["copy with history"]
    print(f"import_fixtures / COPY with history: {ratio:.0%}")
    peak = max(run["rss_peak_mib"] for run in imports)
    print(
        f"import_fixtures peak memory: {peak:.0f} MiB resident, of which "
        f"{imports[0]['rss_before_mib']:.0f} MiB before the import (goal: under 1024 MiB)"
    )
    print(f"history rows: {history_rows:,} for {imports[-1]['created']:,} objects created")
    if loaddata:
        print(f"history rows after loaddata: {loaddata['history_rows']:,}")
    print(
        f"second import of the same file: {again['seconds']:.2f} s, "
        f"{again['unchanged']:,} unchanged, {again['created']} created, "
        f"{again['updated']} updated; history rows still {history_after:,}"
    )


if __name__ == "__main__":
    main()
