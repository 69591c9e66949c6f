"""A bounded load run against the public pages and the admin on PostgreSQL: no server errors.

    apt-get install -y wrk
    .venv/bin/python bench/load_bench.py [--seconds 20] [--connections 16] [--kill-every 0.5]
        [--database fd_load_bench] [--port 8122]

Builds the database fd_load_bench from the seed (plus a chief editor with a session),
serves it with gunicorn in production settings (as bench/public_bench.py does), and runs
wrk over a mix of public pages and logged-in admin pages (lists, searches, filters, change
forms, history, autocomplete, the contradiction page) for a fixed time. Prints requests,
rate and latency per part and the count of error responses; exits non-zero on any.

With ``--kill-every S``, every S seconds of the run PostgreSQL ends every connection the app
servers hold (``pg_terminate_backend``, as a failover or an operator would): the pages must
still answer, with no error; the count of connections ended is printed per part.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import public_bench  # noqa: E402  (gunicorn serving, shared with the public benchmark)

sys.path.insert(0, str(public_bench.ROOT))

DATABASE = "fd_load_bench"
PUBLIC_PATHS = [
    "/claims/",
    "/claims/?q=Witkoff",
    "/claims/?verdict=accurate",
    "/claims/witkoff-kushner-act-for-trump/",
    "/claims/ushakov-no-compromises/",
    "/people/steve-witkoff/",
    "/meetings/miami-talks-2025-11-30/",
    "/feed/",
    "/sitemap.xml",
]
ADMIN_PATHS = [
    "/admin/",
    "/admin/talks/claim/",
    "/admin/talks/claim/?q=Miami",
    "/admin/talks/claim/?status__exact=published",
    "/admin/talks/claim/1/change/",
    "/admin/talks/claim/1/history/",
    "/admin/talks/contradiction/",
    "/admin/talks/contradiction/1/change/",
    "/admin/talks/person/?q=Zelensky",
    "/admin/sources/source/",
    "/admin/talks/meeting/",
    "/admin/autocomplete/?app_label=talks&model_name=claim&field_name=claimant&term=Rub",
]
LUA = """
local paths = {}
for line in io.lines(os.getenv("LOAD_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i], {["Cookie"] = os.getenv("LOAD_COOKIE")})
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--kill-every",
        type=float,
        default=0,
        metavar="SECONDS",
        help="end the app's database connections this often during the run (0: never)",
    )
    parser.add_argument("--database", default=DATABASE, help="a database of your own")
    parser.add_argument("--port", type=int, default=public_bench.PORT, help="gunicorn's port")
    args = parser.parse_args()
    public_bench.PORT = args.port
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    cookie = prepare(args.database)
    server = public_bench.serve(args.workers)
    failures = 0
    try:
        assert_logged_in(cookie)
        for part, paths, part_cookie in (
            ("public pages", PUBLIC_PATHS, ""),
            ("admin pages", ADMIN_PATHS, cookie),
        ):
            with ConnectionKiller(args.kill_every, args.database) as killer:
                result = load(paths, part_cookie, args.seconds, args.connections)
            failures += result["errors"]
            killed = f"  connections ended {killer.killed}" if args.kill_every else ""
            print(
                f"{part:13} {result['requests']:7} requests {result['rps']:8.0f} req/s  "
                f"p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
                f"errors {result['errors']}{killed}"
            )
    finally:
        server.terminate()
        server.wait()
    print("no server errors" if not failures else f"{failures} error responses")
    sys.exit(1 if failures else 0)


class ConnectionKiller:
    """Ends every connection to the bench's database but its own, every ``seconds``."""

    def __init__(self, seconds, database):
        self.seconds, self.database, self.killed = seconds, database, 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        if self.seconds:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        if self.seconds:
            self.thread.join()

    def run(self):
        url = f"postgresql://postgres@127.0.0.1:5432/{self.database}"
        with psycopg.connect(url, autocommit=True) as conn:
            while not self.stopped.wait(self.seconds):
                ended = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()[0]
                self.killed += ended


def prepare(database):
    """A fresh database with the seed and a logged-in chief editor; the session cookie."""
    for command in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    env = {**os.environ, "DEBUG": "1"}
    public_bench.manage("migrate", "-v", "0", env=env)
    public_bench.manage("import_fixtures", "fixtures/seed.json", env=env)
    # The server's secret (public_bench.serve), or the session would not be the server's.
    os.environ.update(DEBUG="1", SECRET_KEY="bench-only", DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    chief = get_user_model().objects.create_superuser("load-chief", "chief@example.org", "x")
    session = SessionStore()
    session[SESSION_KEY] = str(chief.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = chief.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def assert_logged_in(cookie):
    """The admin answers the chief editor's session with pages, not the login form."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{public_bench.PORT}/admin/talks/claim/", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if "/login/" in response.url or b"Select claim to change" not in response.read():
            sys.exit("the admin does not recognise the bench's session")


def load(paths, cookie, seconds, connections):
    with tempfile.TemporaryDirectory(prefix="fd_load_bench_") as tmp:
        script, listing = Path(tmp) / "load.lua", Path(tmp) / "paths.txt"
        script.write_text(LUA)
        listing.write_text("\n".join(paths) + "\n")
        out = subprocess.run(
            [
                "wrk",
                "--latency",
                "-t2",
                f"-c{connections}",
                f"-d{seconds:g}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{public_bench.PORT}",
            ],
            env={**os.environ, "LOAD_PATHS": str(listing), "LOAD_COOKIE": cookie},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": public_bench.latency(out, "50"),
        "p99": public_bench.latency(out, "99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, socket.groups())) if socket else 0),
    }


if __name__ == "__main__":
    main()
