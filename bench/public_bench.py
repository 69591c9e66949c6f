"""Throughput and latency of the public pages at 100,000 published claims, on PostgreSQL.

    .venv/bin/python bench/public_bench.py [--seconds 10] [--connections 8] [--workers 4]

Builds (once) the database ``fd_public_bench`` with 100,000 published claims and what hangs
off them, serves the app with gunicorn on 127.0.0.1:8122 in production settings, and loads
it with ``wrk`` (``apt-get install -y wrk``): a bounded number of connections for a fixed
time per page. It prints requests per second and p50/p99 latency for the claim page (cache
warm and cold), the list page and the search (warm and cold), each next to ``/healthz``, a
trivial Django view on the same server, as a ratio measured in the same run.

"Warm" rotates over a fixed set of addresses that have been requested before; "cold" asks
for an address never asked for in this edition: another claim each time, or the list and
the search with a query string never seen (a search for two words, the list with an unused
parameter), so every request renders the page and runs its queries.

Then the busy desk: the warm claim pages are read while this process writes, as editors do,
(a) a draft saved ten times a second, (b) one published claim outside the warm set corrected
every second, (c) one of the warm pages corrected every ten seconds. Each mode prints req/s,
p50, p99 and the share of answers from the page cache, next to /healthz and as a ratio to
the quiet desk; for (c), the time from each correction's commit until a reader sees it.
``--busy-only`` runs the quiet and busy runs alone.
"""

import argparse
import datetime
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "fd_public_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
PORT = 8122
CLAIMS = 100_000
PEOPLE, MEETINGS, SOURCES = 300, 300, 30_000
CITATIONS_PER_CLAIM, SUBJECTS_PER_CLAIM = 3, 2
CONTRADICTIONS = 2_000
CORRECTED_SHARE = 0.1
WARM_SET = 50  # the claims read again and again; each server process caches its own
WARM_UP_ROUNDS = 20

# Common words of the desk's beat, in every claim's template, and a long tail of rarer words
# (made of syllables) so that a search finds what a real one would: a few claims, or many.
COMMON = ["talks", "delegation", "peace", "envoy", "minister", "ceasefire", "summit"]
SYLLABLES = ["ka", "lo", "mir", "zen", "tor", "va", "ush", "rin", "del", "bo", "sar", "pet"]
WORDS = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]  # 1,728
SENTENCE = "{subject} said the {common} {a} would {verb} the {b} {c} before the {d} {e}."
VERBS = ["secure", "delay", "reshape", "end", "block", "support", "extend", "review"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per measured run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data")
    parser.add_argument("--busy-only", action="store_true", help="only the quiet and busy desk")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    os.environ.update(DATABASE_URL=DATABASE_URL, DEBUG="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    prepare_database(args.rebuild)
    import django

    django.setup()
    build_data()
    addresses = bench_addresses()

    server = serve(args.workers)
    try:
        results = {} if args.busy_only else run_all(addresses, args.seconds, args.connections)
        busy = run_busy(addresses["claim, warm"], args.seconds, args.connections)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if results:
        report(results, args)
    report_busy(busy, args)


# --- The data -----------------------------------------------------------------------------


def prepare_database(rebuild):
    admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc"]
    if rebuild:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    exists = subprocess.run(
        [*admin, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run([*admin, f"CREATE DATABASE {DATABASE}"], check=True)
    manage("migrate", "--noinput", "-v", "0")


def manage(*command, env=None):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command], check=True, env=env, cwd=ROOT
    )


def build_data():
    """Bulk inserts (a bench database only), with the history rows the pages read."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sources.models import Source, SourceBasis
    from talks import visibility
    from talks.models import (
        Citation,
        Claim,
        ClaimSubject,
        Contradiction,
        Meeting,
        Participant,
        Person,
        PersonAlias,
        Role,
    )
    from talks.models.editions import Edition

    if visibility.claims().count() >= CLAIMS:
        return
    print(f"Building {CLAIMS:,} published claims in {DATABASE} (once)...", flush=True)
    started = time.perf_counter()
    rng = random.Random(5)
    now = timezone.now()
    with transaction.atomic():
        people = Person.objects.bulk_create(
            Person(slug=f"person-{i}", name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}")
            for i in range(PEOPLE)
        )
        PersonAlias.objects.bulk_create(
            PersonAlias(person=p, name=p.name.upper(), kind="spelling") for p in people
        )
        Role.objects.bulk_create(
            Role(person=p, title="Envoy", organisation="Delegation", start_date=day(rng, 900))
            for p in people
        )
        meetings = Meeting.objects.bulk_create(
            Meeting(
                slug=f"meeting-{i}",
                title=f"Round {i} of the {rng.choice(WORDS)} talks",
                kind="negotiation_round",
                start_date=day(rng, 700),
                place=rng.choice(["Geneva", "Miami", "Istanbul", "Riyadh", "Abu Dhabi"]),
            )
            for i in range(MEETINGS)
        )
        Participant.objects.bulk_create(
            Participant(meeting=m, person=p, side=rng.choice(["Ukraine", "United States"]))
            for m in meetings
            for p in rng.sample(people, 4)
        )
        sources = Source.objects.bulk_create(
            Source(
                slug=f"source-{i}",
                kind=rng.choice(["news_article", "official_statement", "interview"]),
                title=f"Report {i} on the {rng.choice(COMMON)} and {rng.choice(WORDS)}",
                outlet=rng.choice(["Reuters", "AP", "Suspilne", "Interfax", ""]),
                published_on=day(rng, 700),
            )
            for i in range(SOURCES)
        )
        # Later sources relay earlier ones: chains of a few steps back to an origin.
        SourceBasis.objects.bulk_create(
            SourceBasis(source=sources[i], basis=sources[rng.randrange(i)], note="Relays it")
            for i in range(SOURCES // 2, SOURCES)
        )
        claims = []
        for i in range(CLAIMS):
            published_at = now - datetime.timedelta(minutes=i * 7)
            by_person = rng.random() < 0.6
            claims.append(
                Claim(
                    slug=f"claim-{i}",
                    text=sentence(rng),
                    claimant=rng.choice(people) if by_person else None,
                    claimant_label="" if by_person else "Sources within the delegation",
                    meeting=rng.choice(meetings),
                    status="published",
                    verdict=rng.choice(["accurate", "misleading", "false", "unverifiable"]),
                    verdict_rationale=f"The {rng.choice(COMMON)} record shows "
                    + " ".join(rng.choice(WORDS) for _ in range(12)),
                    published_at=published_at,
                    created_at=published_at,
                    updated_at=published_at,
                )
            )
        claims = Claim.objects.bulk_create(claims, batch_size=5_000)
        Citation.objects.bulk_create(
            (
                Citation(claim=c, source=s, quote=c.text, location="paragraph 2")
                for c in claims
                for s in rng.sample(sources, CITATIONS_PER_CLAIM)
            ),
            batch_size=10_000,
        )
        ClaimSubject.objects.bulk_create(
            (
                ClaimSubject(claim=c, person=p)
                for c in claims
                for p in rng.sample(people, SUBJECTS_PER_CLAIM)
            ),
            batch_size=10_000,
        )
        pairs = {tuple(sorted(rng.sample(range(CLAIMS), 2))) for _ in range(CONTRADICTIONS)}
        Contradiction.objects.bulk_create(
            Contradiction(
                claim_a=claims[a],
                claim_b=claims[b],
                kind="role",
                status="confirmed",
                note="They cannot both be true.",
            )
            for a, b in pairs
        )
        history = Claim.history.model
        rows = [history_row(history, c, c.published_at, "+", "Imported") for c in claims]
        for c in rng.sample(claims, int(CLAIMS * CORRECTED_SHARE)):
            corrected = Claim(**{f.attname: getattr(c, f.attname) for f in Claim._meta.fields})
            corrected.text = f"{c.text} (corrected)"
            rows.append(history_row(history, corrected, now, "~", "Corrected the wording"))
        history.objects.bulk_create(rows, batch_size=10_000)
        Edition.advance()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


FIRST = [
    "Olena",
    "Marco",
    "Steve",
    "Yuri",
    "Rustem",
    "Andriy",
    "Olga",
    "Kirill",
    "Jared",
    "Volodymyr",
    "Anna",
    "Pavel",
]
LAST = [
    "Kovalenko",
    "Rubio",
    "Witkoff",
    "Ushakov",
    "Umerov",
    "Hnatov",
    "Dmitriev",
    "Sybiha",
    "Yermak",
    "Lavrov",
]


def day(rng, spread):
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(spread))


def sentence(rng):
    a, b, c, d, e = (rng.choice(WORDS) for _ in range(5))
    subject = rng.choice(["The minister", "The envoy", "A spokesperson", "The president"])
    common = rng.choice(COMMON)
    verb = rng.choice(VERBS)
    return SENTENCE.format(subject=subject, common=common, a=a, b=b, verb=verb, c=c, d=d, e=e)


def history_row(history, claim, when, kind, reason):
    values = {f.attname: getattr(claim, f.attname) for f in history.tracked_fields}
    return history(**values, history_date=when, history_type=kind, history_change_reason=reason)


def bench_addresses():
    from talks import visibility

    rng = random.Random(7)
    slugs = list(visibility.claims().values_list("slug", flat=True))
    rng.shuffle(slugs)
    warm, cold = slugs[:WARM_SET], slugs[WARM_SET:]
    return {
        "claim, warm": [f"/claims/{s}/" for s in warm],
        "claim, cold": [f"/claims/{s}/" for s in cold],
        "list, warm": [f"/claims/?page={n}" for n in range(1, 21)],
        "list, cold": [f"/claims/?seen={n}" for n in range(200_000)],
        "search, warm": [f"/claims/?q={w}" for w in [*COMMON, *WORDS[:33]]],
        "search, cold": search_addresses(rng),
    }


def search_addresses(rng):
    """Searches never made before: one rare word, two of them, or a common word and a rare."""
    searches = set()
    while len(searches) < 20_000:
        rare, other = rng.choice(WORDS), rng.choice(WORDS)
        searches.add(rng.choice([rare, f"{rare}+{other}", f"{rng.choice(COMMON)}+{rare}"]))
    searches = sorted(searches)
    rng.shuffle(searches)
    return [f"/claims/?q={q}" for q in searches]


# --- Serving and loading ------------------------------------------------------------------


def serve(workers):
    env = {
        **os.environ,
        "DEBUG": "",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_POOL_MIN": "2",
        "DATABASE_POOL_MAX": "4",
        "PAGE_CACHE_STATUS_HEADER": "1",  # warm_up() reads X-Cache
    }
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
-- The share of answers from the page cache ("stale": the copy, while a reader renders it).
local threads = {}
setup = function(thread) table.insert(threads, thread) end
cached, answered = 0, 0
response = function(status, headers, body)
  answered = answered + 1
  if headers["X-Cache"] == "hit" or headers["X-Cache"] == "stale" then cached = cached + 1 end
end
done = function(summary, latency, requests)
  local c, a = 0, 0
  for _, thread in ipairs(threads) do
    c, a = c + thread:get("cached"), a + thread:get("answered")
  end
  io.write(string.format("cached %d of %d\\n", c, a))
end
"""


def run_all(addresses, seconds, connections):
    """Each page's run sits between two runs of the trivial view, so that its ratio compares
    like with like on a machine whose other load comes and goes."""
    from talks.models.editions import Edition

    results = {}
    with tempfile.TemporaryDirectory(prefix="fd_public_bench_") as tmp:
        script = Path(tmp) / "paths.lua"
        script.write_text(LUA)
        trivial = Path(tmp) / "trivial.txt"
        trivial.write_text("/healthz\n")
        listing = Path(tmp) / "paths.txt"
        Edition.advance()  # nothing is cached from an earlier run
        for name, paths in addresses.items():
            if "warm" in name:
                warm_up(paths, connections)
            listing.write_text("\n".join(paths) + "\n")
            before = wrk(script, trivial, seconds / 2, connections)
            result = wrk(script, listing, seconds, connections)
            after = wrk(script, trivial, seconds / 2, connections)
            result["trivial"] = (before["rps"] + after["rps"]) / 2
            results[name] = result
            print(f"  {name:14} {result['rps']:8.0f} req/s", flush=True)
    return results


def warm_up(paths, connections):
    """Ask for each page, ``connections`` at a time, until every answer comes from the cache
    twice running: each server process keeps its own cache, and each must have the page."""
    with ThreadPoolExecutor(connections) as pool:
        for path in paths:
            for _ in range(WARM_UP_ROUNDS):
                if all(pool.map(cached, [path] * connections * 2)):
                    break
            else:
                sys.exit(f"{path} is still not served from the cache")


def cached(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as response:
        response.read()
        return response.headers["X-Cache"] == "hit"


def wrk(script, listing, seconds, connections):
    out = subprocess.run(
        [
            "wrk",
            "--latency",
            "-t1",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ],
        env={**os.environ, "BENCH_PATHS": str(listing)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out:
        sys.exit(f"Some requests failed:\n{out}")
    cached, answered = map(int, re.search(r"cached (\d+) of (\d+)", out).groups())
    return {
        "hits": cached / max(answered, 1),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(out, "50"),
        "p99": latency(out, "99"),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


# --- The busy desk ---------------------------------------------------------------------------

BUSY_MODES = {
    "quiet": None,
    "(a) draft saved 10/s": 0.1,
    "(b) other claim corrected 1/s": 1.0,
    "(c) a read page corrected 1/10 s": 10.0,
}


def run_busy(warm_paths, seconds, connections):
    """The warm claim pages under load while a thread of this process writes as a mode says."""
    import threading

    results = {}
    with tempfile.TemporaryDirectory(prefix="fd_public_bench_") as tmp:
        script, trivial, listing = Path(tmp) / "paths.lua", Path(tmp) / "t.txt", Path(tmp) / "p"
        script.write_text(LUA)
        trivial.write_text("/healthz\n")
        listing.write_text("\n".join(warm_paths) + "\n")
        for mode, every in BUSY_MODES.items():
            warm_up(warm_paths, connections)
            stop, seen_after = threading.Event(), []
            writer = threading.Thread(
                target=write_while_read, args=(mode, every, warm_paths, stop, seen_after)
            )
            before = wrk(script, trivial, seconds / 2, connections)
            if every:
                writer.start()
            result = wrk(script, listing, seconds, connections)
            stop.set()
            if every:
                writer.join()
            after = wrk(script, trivial, seconds / 2, connections)
            result["trivial"] = (before["rps"] + after["rps"]) / 2
            result["seen_after"] = seen_after
            results[mode] = result
            print(f"  {mode:34} {result['rps']:8.0f} req/s {result['hits']:6.1%}", flush=True)
    return results


def write_while_read(mode, every, warm_paths, stop, seen_after):
    """Write as ``mode`` says every ``every`` seconds until ``stop``; for a correction of a
    page being read, record how long after its commit a reader first saw it."""
    from django.db import connection

    from talks.models import Claim

    warm_slugs = [path.split("/")[2] for path in warm_paths]
    draft = Claim.objects.filter(status="draft").first() or Claim.objects.create(
        text="A draft the desk keeps rewriting.", status="draft"
    )
    other = Claim.objects.filter(status="published").exclude(slug__in=warm_slugs).first()
    read = Claim.objects.get(slug=warm_slugs[0])
    n, wait = 0, min(every, 1.0)  # the first write a second in, however rare the mode's
    while not stop.wait(wait):
        n, wait = n + 1, every
        if mode.startswith("(a)"):
            draft.text = f"A draft the desk keeps rewriting, version {n}."
            draft.save()
        elif mode.startswith("(b)"):
            other.text, other._change_reason = f"{other.text.split(' [')[0]} [{n}]", "Reworded"
            other.save()
        else:
            marker = f"[correction {time.time_ns()}]"
            read.text, read._change_reason = f"{read.text.split(' [')[0]} {marker}", "Reworded"
            read.save()
            committed = time.perf_counter()
            seen_after.append(first_seen(f"/claims/{read.slug}/", marker, committed))
    connection.close()


def first_seen(path, marker, committed):
    """Seconds from ``committed`` until a reader's request for ``path`` shows ``marker``."""
    while time.perf_counter() - committed < 10:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as response:
            if marker in response.read().decode():
                return time.perf_counter() - committed
    return float("inf")


def report_busy(results, args):
    print(
        f"\nThe busy desk: the {WARM_SET} warm claim pages at {CLAIMS:,} published claims, read "
        f"for {args.seconds} s per mode with {args.connections} connections while this process "
        f"writes; ratios to /healthz and to the quiet desk, measured in this run\n"
    )
    print(
        f"{'mode':35}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'cached':>8}"
        f"{'healthz':>9}{'ratio':>7}{'to quiet':>9}"
    )
    quiet = results["quiet"]["rps"] / results["quiet"]["trivial"]
    for mode, result in results.items():
        ratio = result["rps"] / result["trivial"]
        result["to_quiet"] = ratio / quiet
        print(
            f"{mode:35}{result['rps']:8.0f}{result['p50']:8.1f}{result['p99']:8.1f}"
            f"{result['hits']:8.1%}{result['trivial']:9.0f}{ratio:7.2f}{result['to_quiet']:9.2f}"
        )
    a, b, c = (results[mode] for mode in list(BUSY_MODES)[1:])
    seen = c["seen_after"]
    slowest = max(seen, default=float("inf"))
    print(
        "\n(c) corrections seen by a reader after their commit: "
        + ", ".join(f"{s * 1000:.0f} ms" for s in seen)
    )
    print(
        f"Goals: (a) >= 0.95 of quiet: {a['to_quiet']:.2f} {verdict(a['to_quiet'] >= 0.95)}; "
        f"(b) >= 0.8 of quiet with >= 95% cached: {b['to_quiet']:.2f}, {b['hits']:.1%} "
        f"{verdict(b['to_quiet'] >= 0.8 and b['hits'] >= 0.95)}; (c) seen within 1 s: "
        f"{slowest * 1000:.0f} ms {verdict(slowest <= 1)}, p99 < 100 ms: {c['p99']:.1f} ms "
        f"{verdict(c['p99'] < 100)}"
    )


def latency(out, percent):
    value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def report(results, args):
    print(
        f"\nPublic pages at {CLAIMS:,} published claims, PostgreSQL, gunicorn "
        f"({args.workers} sync workers), wrk 1 thread / {args.connections} connections / "
        f"{args.seconds} s per page, between two runs of /healthz of {args.seconds / 2:g} s; "
        f"{os.cpu_count()} CPU cores shared with the load generator\n"
    )
    print(
        f"{'page':16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}"
        f"{'healthz req/s':>15}  ratio"
    )
    for name, result in results.items():
        result["ratio"] = result["rps"] / result["trivial"]
        print(
            f"{name:16}{result['rps']:9.0f}{result['p50']:9.1f}{result['p99']:9.1f}"
            f"{result['requests']:10}{result['trivial']:15.0f}  {result['ratio']:.2f}"
        )
    warm = results["claim, warm"]["ratio"]
    cold = results["claim, cold"]["ratio"]
    slowest = max(result["p99"] for result in results.values())
    print(
        f"\nGoals: claim page warm >= 0.50 of /healthz: {warm:.2f} {verdict(warm >= 0.5)}; "
        f"cold >= 0.25: {cold:.2f} {verdict(cold >= 0.25)}; "
        f"every p99 < 100 ms: {slowest:.1f} ms {verdict(slowest < 100)}"
    )


def verdict(met):
    return "MET" if met else "NOT MET"


if __name__ == "__main__":
    main()
