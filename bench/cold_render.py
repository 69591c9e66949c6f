"""What a cold claim page costs the app server, next to ``/healthz``, and where it goes.

    .venv/bin/python bench/cold_render.py [--pages 200] [--database fd_public_bench] [--profile]

In one process with production settings (DEBUG off, the cached template loader), requests
go straight to Django's WSGI handler, as gunicorn's would, for claim pages never asked for
before (each one renders and runs its queries) and for ``/healthz``, a trivial view through
the same middleware. It prints the CPU time (``time.process_time``) per request of each and
their ratio; the goal is a cold claim page at least 0.10 of ``/healthz``. ``--profile``
adds where the claim pages' time goes: template rendering, compiling the ORM's queries,
the database driver, translations, and the rest.

The database is the public benchmark's (``bench/public_bench.py`` builds it, 100,000
published claims); any database of published claims will do.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Where the profile's time is filed: the first module of the stack (innermost first) that
# matches decides. A function's own time counts, not what it calls.
AREAS = [
    ("database driver", ("psycopg", "sqlite3")),
    ("compiling queries", ("django/db/models/sql", "django/db/models/expressions")),
    ("translations", ("django/utils/translation", "gettext")),
    ("templates", ("django/template", "templatetags")),
    ("ORM objects", ("django/db/models",)),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="cold claim pages to render")
    parser.add_argument("--database", default="fd_public_bench")
    parser.add_argument("--profile", action="store_true", help="where the time goes")
    args = parser.parse_args()

    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DEBUG="",
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.pop("REDIS_URL", None)  # the in-process cache: nothing shared to warm
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    from django.core.management import call_command

    from talks import visibility

    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest's names

    app = WSGIHandler()
    slugs = list(visibility.claims().values_list("slug", flat=True))
    random.Random(11).shuffle(slugs)
    if len(slugs) < args.pages + 20:
        sys.exit(f"{args.database} has {len(slugs)} published claims; build it first")
    warm_up, cold = slugs[:20], slugs[20 : 20 + args.pages]
    for slug in warm_up:  # imports, compiled templates, the pool's connections
        get(app, f"/claims/{slug}/")
    for _ in range(20):
        get(app, "/healthz")

    profile = cProfile.Profile() if args.profile else None
    claim, healthz = measure(app, [f"/claims/{slug}/" for slug in cold], profile)
    print(f"cold claim page: {claim * 1000:.2f} ms of CPU per request ({args.pages} pages)")
    print(f"/healthz:        {healthz * 1000:.3f} ms of CPU per request")
    ratio = healthz / claim
    print(f"ratio to /healthz: {ratio:.3f} (goal >= 0.10: {'met' if ratio >= 0.10 else 'NOT met'})")
    if profile:
        report(profile, claim * args.pages)


def measure(app, paths, profile=None):
    """CPU seconds per request for ``paths`` and for ``/healthz``, asked in turn, so that
    what else runs on the machine weighs on both alike; only the claim pages are profiled."""
    claims = healthz = 0.0
    for path in paths:
        started = time.process_time()
        if profile:
            profile.enable()
        status = get(app, path)
        if profile:
            profile.disable()
        claims += time.process_time() - started
        if status != "200 OK":
            sys.exit(f"{path} answered {status}")
        started = time.process_time()
        get(app, "/healthz")
        healthz += time.process_time() - started
    return claims / len(paths), healthz / len(paths)


def get(app, path):
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    body = app(environ, start_response)
    for _ in body:
        pass
    body.close()
    return answer["status"]


def report(profile, total):
    stats = pstats.Stats(profile)
    areas = dict.fromkeys([name for name, _ in AREAS] + ["the rest"], 0.0)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        name = next(
            (name for name, marks in AREAS if any(mark in filename for mark in marks)),
            "the rest",
        )
        areas[name] += own
    profiled = sum(areas.values())
    print(f"\nwhere a cold claim page's time goes (profiled; {total * 1000:.0f} ms unprofiled):")
    for name, own in sorted(areas.items(), key=lambda item: -item[1]):
        print(f"  {name:<18} {own / profiled:6.1%}")
    print("\nthe functions taking most time of their own:")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue().split("\n", 6)[-1])


if __name__ == "__main__":
    main()
