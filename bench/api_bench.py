"""The read API's claim list against the readers' HTML list, at 100,000 claims, in one run.

    uv run python bench/api_bench.py [--database fd_api_bench] [--claims 100000] [--rounds 30]

Fills the PostgreSQL database ``--database`` with ``bench/generate.py`` (once: ``--rebuild``
does it again), then asks the app in-process (Django's test client, the development settings
that bench/public_bench.py uses, the page cache in memory) for the same lists both ways: the
newest page, a verdict, a person who makes one claim in ten, a common word, a rare name, and
a page far down the list (the HTML list's 40th page, the API's after 39 cursors). Each is
measured cold (an address never asked for in this edition, so the page is rendered and every
query runs) and warm (the same address again, answered from the cache), and printed with the
API's time as a ratio of the HTML's: below 1 the API is faster. No network and no server:
what is measured is the app's own work, the same for both.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ("newest", ""),
    ("a verdict", "verdict=false"),
    ("a busy person", "person=person-1"),
    ("a common word", "q=talks"),
    ("a rare name", "q=Zelenskyy"),
]
DEEP_PAGE = 40


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="fd_api_bench")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30, help="requests per measurement")
    parser.add_argument("--rebuild", action="store_true", help="generate the data again")
    args = parser.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    if args.rebuild or not has_claims(args.database):
        command = [sys.executable, str(ROOT / "bench" / "generate.py")]
        command += ["--claims", str(args.claims), "--database", args.database]
        subprocess.run(command, check=True, cwd=ROOT)

    # Development settings, as bench/public_bench.py has them (static files without a
    # collectstatic), and a rate limit this one client never reaches.
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
        FACTDESK_API_RATE_LIMIT="1000000/min",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    sys.path.insert(0, str(ROOT))
    # A database generated before the latest migrations is brought up to date first.
    manage = [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"]
    subprocess.run(manage, check=True, cwd=ROOT)
    import django

    django.setup()
    from django.test import Client

    from talks import visibility

    client = Client()
    print(f"{visibility.claims().count():,} published claims in {args.database}")
    print(f"{'list':<16} {'':<5} {'HTML ms':>8} {'API ms':>8} {'API/HTML':>9}")
    for name, query in [*PAGES, ("deep", None)]:
        html, api = addresses(client, query)
        for state in ("cold", "warm"):
            html_ms = timed(client, html, args.rounds, cold=state == "cold")
            api_ms = timed(client, api, args.rounds, cold=state == "cold")
            print(f"{name:<16} {state:<5} {html_ms:>8.1f} {api_ms:>8.1f} {api_ms / html_ms:>9.2f}")


def has_claims(database):
    found = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            database,
            "-qAtc",
            "SELECT count(*) FROM talks_claim",
        ],
        capture_output=True,
        text=True,
    )
    return found.returncode == 0 and int(found.stdout.strip() or 0) > 0


def addresses(client, query):
    """The HTML list's address and the API's for the same list."""
    if query is not None:
        suffix = f"?{query}" if query else ""
        return f"/claims/{suffix}", f"/api/v1/claims{suffix}"
    api = "/api/v1/claims"
    for _ in range(DEEP_PAGE - 1):
        api = client.get(api).json()["next"].removeprefix("http://testserver")
    return f"/claims/?page={DEEP_PAGE}", api


def timed(client, address, rounds, *, cold):
    """The median time of ``rounds`` requests, in milliseconds; cold ones each with a query
    parameter never sent before, so that no cached copy answers."""
    joiner = "&" if "?" in address else "?"
    times = []
    for n in range(rounds + 3):
        asked = f"{address}{joiner}bench={time.perf_counter_ns()}" if cold else address
        started = time.perf_counter()
        response = client.get(asked)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (asked, response.status_code)
        if n >= 3:  # the first few warm the process (and, for "warm", the cache)
            times.append(elapsed * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
