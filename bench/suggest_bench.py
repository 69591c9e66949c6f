"""How the suggestion run grows with the desk, and what an incremental run saves, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_contra_bench \\
        .venv/bin/python bench/suggest_bench.py [--sizes 10000 100000] [--changed 100]

PostgreSQL only (the near-duplicate rule needs pg_trgm). The database is created if missing
and emptied before each size: never point it at a database you want to keep. For each size
the script generates a desk (about one person per 20 claims, some far busier than others;
one meeting per 50 claims; two statements per claim; a few wrong statements, wrong meeting
details and near-duplicates with opposite verdicts: bench/generate.py makes no statements,
which the rules read), times each rule alone, then the runs as the worker performs them: a
full run that stores what it finds, an incremental run over unchanged data, and an
incremental run after ``--changed`` claims were edited (one statement each, saved as an
editor's save is, with its history); then the admin's button (the request that queues a
run, as a logged-in editor through the whole middleware). It prints the times and, last,
the ratio of each time at the largest size to the smallest, and of the incremental runs to
the full one. Bulk inserts write no history: this is a bench database.
"""

import argparse
import datetime
import itertools
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fd_contra_bench")

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

DAY_ZERO = datetime.date(2024, 1, 1)
HANDOVER = datetime.date(2023, 6, 30)
WRONG_SHARE = 0.004  # of statements at odds with the record or with other claims
TWIN_SHARE = 0.003  # of claims that are a near-duplicate of another with the opposite verdict


def ensure_database(url):
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    server = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with server:
        exists = server.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def setup_django():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def empty_the_desk():
    from django.db import connection

    tables = [
        name
        for name in connection.introspection.django_table_names(only_existing=True)
        if name.startswith(("talks_", "sources_"))
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


STOPWORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "on",
    "for",
    "with",
    "that",
    "by",
    "at",
    "from",
    "as",
    "is",
    "was",
    "were",
    "said",
    "has",
    "have",
    "had",
    "will",
    "would",
    "not",
    "be",
    "it",
    "its",
    "their",
    "they",
    "he",
    "she",
    "his",
    "her",
    "this",
    "after",
    "before",
    "over",
    "about",
    "than",
    "into",
    "also",
    "more",
    "no",
    "new",
    "two",
    "three",
    "all",
    "but",
    "which",
    "who",
    "when",
    "where",
    "while",
    "during",
    "under",
]


class Words:
    """Text with the word frequencies of news copy: a few words everywhere, most rare.

    Content words are drawn from a large vocabulary by Zipf's law, with stopwords, names and
    numbers between them; so most trigrams are rare and a few are everywhere, as in real
    claims. (Uniformly drawn words would make every trigram common, which no text is.)
    """

    def __init__(self, rng, vocabulary=40_000):
        self.rng = rng
        letters = "abcdefghijklmnopqrstuvwxyz"
        self.words = list(
            {"".join(rng.choices(letters, k=rng.randint(3, 11))): None for _ in range(vocabulary)}
        )
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))

    def sentence(self):
        words = []
        for _ in range(self.rng.randint(12, 20)):
            if self.rng.random() < 0.4:
                words.append(self.rng.choice(STOPWORDS))
            else:
                words.append(self.rng.choices(self.words, cum_weights=self.cumulative)[0])
        words.insert(self.rng.randrange(len(words)), f"Envoy {self.rng.randrange(5000)}")
        words.insert(self.rng.randrange(len(words)), str(self.rng.randrange(1, 2000)))
        return " ".join(words).capitalize() + "."

    def twin(self, text):
        """The same claim with a word or a number changed: a near-duplicate."""
        words = text.split()
        words[self.rng.randrange(len(words))] = str(self.rng.randrange(1, 2000))
        return " ".join(words)


def generate(size, rng):
    """A desk of ``size`` claims; returns what it made, by kind."""
    from talks.models import Claim, Meeting, Participant, Person, Role, Statement

    Kind = Statement.Kind
    words = Words(rng)
    countries = 20
    heads = Person.objects.bulk_create(
        Person(name=f"Head {n}", slug=f"head-{n}") for n in range(2 * countries)
    )
    roles = []
    for country in range(countries):
        old, new = heads[2 * country], heads[2 * country + 1]
        roles.append(Role(person=old, title="President", end_date=HANDOVER))
        roles.append(Role(person=new, title="President", start_date=HANDOVER))
    agents = Person.objects.bulk_create(
        Person(name=f"Envoy {n}", slug=f"envoy-{n}") for n in range(max(size // 20, 10))
    )
    principal = {}
    for agent in agents:
        country = rng.randrange(countries)
        principal[agent.pk] = (heads[2 * country + 1], heads[2 * country])  # (serves, former)
        roles.append(
            Role(
                person=agent,
                title="Envoy",
                on_behalf_of=principal[agent.pk][0],
                start_date=HANDOVER + datetime.timedelta(days=1),
            )
        )
    Role.objects.bulk_create(roles, batch_size=5000)

    cities = [f"City {n}" for n in range(200)]
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(
                title=f"Talks {n}",
                slug=f"talks-{n}",
                kind=Meeting.Kind.NEGOTIATION_ROUND,
                start_date=DAY_ZERO + datetime.timedelta(days=rng.randrange(700)),
                place=rng.choice(cities),
            )
            for n in range(max(size // 50, 10))
        ),
        batch_size=5000,
    )
    # Busy envoys: a few take part in many meetings and many claims (weights ~ 1/rank).
    weights = [1 / (rank + 1) for rank in range(len(agents))]
    attendees = {
        meeting.pk: list({agent.pk: agent for agent in rng.choices(agents, weights, k=3)}.values())
        for meeting in meetings
    }
    Participant.objects.bulk_create(
        (
            Participant(meeting_id=m, person=agent)
            for m, group in attendees.items()
            for agent in group
        ),
        batch_size=5000,
    )

    verdicts = [
        *[Claim.Verdict.ACCURATE] * 3,
        Claim.Verdict.MOSTLY_ACCURATE,
        Claim.Verdict.MISLEADING,
        Claim.Verdict.FALSE,
        Claim.Verdict.UNVERIFIABLE,
        "",
    ]
    opposite = {
        Claim.Verdict.ACCURATE: Claim.Verdict.FALSE,
        Claim.Verdict.MOSTLY_ACCURATE: Claim.Verdict.MOSTLY_FALSE,
    }
    claims, texts = [], []
    for n in range(size):
        meeting = rng.choice(meetings)
        verdict = rng.choice(verdicts)
        text = words.sentence()
        if texts and rng.random() < TWIN_SHARE:
            original_text, original_verdict = rng.choice(texts)
            if original_verdict in opposite:
                text, verdict = words.twin(original_text), opposite[original_verdict]
        texts.append((text, verdict))
        claims.append(
            Claim(
                text=text,
                slug=f"claim-{n}",
                meeting=meeting,
                verdict=verdict,
                status=Claim.Status.IN_REVIEW,
            )
        )
    claims = Claim.objects.bulk_create(claims, batch_size=5000)

    wrong = lambda: rng.random() < WRONG_SHARE  # noqa: E731
    statements = []
    for claim in claims:
        meeting = claim.meeting
        agent = rng.choices(agents, weights)[0]
        serves, former = principal[agent.pk]
        day = DAY_ZERO + datetime.timedelta(days=rng.randrange(700))
        statements.append(
            Statement(
                claim=claim,
                kind=Kind.ACTS_FOR,
                person=agent,
                on_behalf_of=former if wrong() else serves,
                date=day,
            )
        )
        match rng.randrange(3):
            case 0:
                shift = datetime.timedelta(days=1 if wrong() else 0)
                statements.append(
                    Statement(
                        claim=claim,
                        kind=Kind.MEETING_DATE,
                        meeting=meeting,
                        date=meeting.start_date + shift,
                    )
                )
            case 1:
                place = rng.choice(cities) if wrong() else meeting.place
                statements.append(
                    Statement(claim=claim, kind=Kind.MEETING_PLACE, meeting=meeting, place=place)
                )
            case _:
                statements.append(
                    Statement(
                        claim=claim,
                        kind=Kind.ABSENT if wrong() else Kind.ATTENDED,
                        meeting=meeting,
                        person=rng.choice(attendees[meeting.pk]),
                    )
                )
    Statement.objects.bulk_create(statements, batch_size=5000)
    return {"claims": len(claims), "statements": len(statements), "people": len(agents) + 40}


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure(size, seed, changed):
    from talks import contradiction_rules

    empty_the_desk()
    generated, made = timed(lambda: generate(size, random.Random(seed)))
    analyze()
    print(
        f"\n{size:,} claims: {made['statements']:,} statements, {made['people']:,} people "
        f"(generated in {generated:.1f} s)"
    )
    times = {}
    for label, rule in [
        ("role rule", contradiction_rules.role_conflicts),
        ("meeting rules", contradiction_rules.meeting_conflicts),
        ("near-duplicate rule", contradiction_rules.near_duplicates_with_opposite_verdicts),
    ]:
        times[label], found = timed(lambda rule=rule: list(rule()))
        print(f"  {label:<28} {times[label]:7.2f} s   {len(found):>6,} candidates")
    for label, full in [("full run (stores)", True), ("run over unchanged data", False)]:
        times[label], run = timed(lambda full=full: perform(full))
        print(f"  {label:<28} {times[label]:7.2f} s   {describe(run)}")
    edit_claims(changed, random.Random(seed + 1))
    label = f"run after {changed} changed claims"
    times[label], run = timed(lambda: perform(False))
    print(f"  {label:<28} {times[label]:7.2f} s   {describe(run)}")
    times["admin button (median)"] = press_the_button()
    print(f"  {'admin button (median)':<28} {times['admin button (median)'] * 1000:7.1f} ms")
    return times


def perform(full):
    """A run as the worker performs it, from its queued row."""
    from talks.models import SuggestionRun
    from talks.services.suggestion_runs import perform_run

    return perform_run(SuggestionRun.objects.create(full=full, reason="bench").pk)


def describe(run):
    looked = "whole desk" if run.full else f"{run.looked_at:,} claims looked at"
    return f"{looked}; {run.summary}"


def edit_claims(count, rng):
    """``count`` claims edited as an editor would: one statement of each moved a day, saved
    with its history (a meeting date, or the day someone acted for someone)."""
    from django.db import IntegrityError, transaction

    from talks.models import Statement

    dated = Statement.objects.filter(date__isnull=False).order_by("claim_id", "pk")
    claim_ids = rng.sample(list(dated.values_list("claim_id", flat=True).distinct()), count)
    for statement in dated.filter(claim_id__in=claim_ids).distinct("claim_id"):
        statement.date += datetime.timedelta(days=1)
        statement._change_reason = "bench: a corrected date"
        try:
            with transaction.atomic():
                statement.save()
        except IntegrityError:  # the claim says so already: move it the other way
            statement.date -= datetime.timedelta(days=2)
            statement.save()


def press_the_button(times=7):
    """The admin's "Run the suggestion rules now", as a logged-in editor: the median time of
    the request that queues the run (the queued run is taken off again between presses)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from talks.models import SuggestionRun

    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(headers={"host": "127.0.0.1"})
    client.force_login(editor)
    url = reverse("admin:talks_contradictionsuggestion_run")
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.post(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        SuggestionRun.objects.filter(status=SuggestionRun.Status.QUEUED).delete()
        DBTaskResult.objects.all().delete()
    return sorted(seconds)[len(seconds) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--changed", type=int, default=100, help="claims edited (100)")
    parser.add_argument("--seed", type=int, default=20251205)
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    setup_django()
    print(f"Suggestion run on {dj_database_url.parse(url)['NAME']}, one process, one run each")
    results = {size: measure(size, options.seed, options.changed) for size in options.sizes}
    small, large = min(results), max(results)
    if small != large:
        print(f"\nRatio {large:,} / {small:,} claims (the data grew {large / small:.0f}x):")
        for label, seconds in results[large].items():
            print(f"  {label:<28} {seconds / results[small][label]:6.1f}x")
    full = results[large]["full run (stores)"]
    print(f"\nAt {large:,} claims, against the full run ({full:.2f} s):")
    for label, seconds in results[large].items():
        if label.startswith("run "):
            print(f"  {label:<28} {seconds / full:6.3f}x  (1/{full / seconds:.0f})")


if __name__ == "__main__":
    main()
