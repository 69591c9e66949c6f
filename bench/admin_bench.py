"""Admin page times at 1,000 and at 1,000,000 claims, measured side by side in one run.

    uv run python bench/generate.py --claims 1000 --database fd_scale_1k
    uv run python bench/generate.py --claims 1000000 --database fd_scale_1m
    uv run python bench/admin_bench.py --small fd_scale_1k --large fd_scale_1m

Two worker processes, one per database, serve the admin in-process (Django's test client,
logged in as a superuser); the parent asks them for each page in turn, alternating, so both
sizes see the same machine load. Prints median and p95 per page at both sizes and the
ratio large/small, then the cost of saving a claim (with its history row) at both sizes.
The public pages are measured too, each rendered afresh (a new edition before every request,
as after a change on the desk), so that their queries are timed, not the page cache. Admin
and public pages keep the counts behind their filters and menus, recounted every five
minutes, as they do for editors and readers.
The readers' search is measured in each of the desk's languages, by names in any spelling
and by phrases (``PUBLIC_SEARCHES``). ``--only public`` measures the public pages alone.
Goal: every page within 1.5x of its small-size time and under 200 ms median at the large one.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Two searches a list: a common word, which fills a page at both sizes (the same work to
# show, and a count that reaches its bound), and a rare one, which a handful of rows carry at
# both sizes (bench/generate.py's NEEDLE): what the index must find.
COMMON_WORDS = {"person": "Negotiator", "personalias": "Alias", "role": "Envoy"}
COMMON_WORD = "talks"
RARE_WORD = "Kakhovka"
PRINCIPAL = "person-1"  # bench/generate.py's person in one claim of ten, at any size
# The readers' searches in every language (bench/generate.py: three claims in five in English,
# one in Ukrainian, one in Russian; person 2 is Volodymyr Zelenskyy, in 45 claims and the
# subject of 45 at any size; the first claim alone says "Kakhovka dam").
PUBLIC_SEARCHES = [
    ("name", "Zelenskyy"),
    ("name, transliterated", "Zelenskyi"),
    ("name, Cyrillic, inflected", "Зеленського"),
    ("whole name, Cyrillic", '"Володимир Зеленський"'),
    ("rare phrase", '"Kakhovka dam"'),
    ("common phrase", '"after the talks"'),
    ("Ukrainian word", "переговорів"),
    ("Russian word", "переговоры"),
    ("common name", "Umerov"),
]
# What a typical page lists at either size (bench/generate.py: 20 claims a meeting and a
# source, 45 made by and 45 about a person, seven in ten of them published).
CLAIMS = 14
PERSON_CLAIMS = 63


# (label, the model and field whose widget asks, the term typed)
AUTOCOMPLETES = [
    ("person", "claim", "claimant", "Negot"),
    ("meeting", "claim", "meeting", "talk"),
    ("source", "citation", "source", "talk"),
    ("claim", "citation", "claim", "talk"),
]


def pages(models):
    """(label, path) for every admin page an editor uses, for each tracked model."""
    for model in models:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        yield f"{opts.model_name} list", base
        if model._default_manager.count() > 300:
            yield f"{opts.model_name} list, next page", f"{base}?p=2"
        yield (
            f"{opts.model_name} search",
            f"{base}?q={COMMON_WORDS.get(opts.model_name, COMMON_WORD)}",
        )
        yield f"{opts.model_name} search, rare word", f"{base}?q={RARE_WORD}"
        if last:
            yield f"{opts.model_name} change", f"{base}{(last + 1) // 2}/change/"
            yield f"{opts.model_name} history", f"{base}{(last + 1) // 2}/history/"
    yield "claim list, filtered", "/admin/talks/claim/?status__exact=published&verdict__exact=false"
    for label, model_name, field, term in AUTOCOMPLETES:
        yield (
            f"{label} autocomplete",
            f"/admin/autocomplete/?app_label=talks&model_name={model_name}"
            f"&field_name={field}&term={term}",
        )


def public_pages():
    """(label, path) for the public pages of a published claim in the middle of the data, and
    of a person, a meeting and a source whose pages list as many claims at either size."""
    from sources.models import Source
    from talks import visibility
    from talks.models import Claim

    published = visibility.claims()
    middle = published.filter(pk__gte=Claim.objects.count() // 2).order_by("pk")
    claim = middle.exclude(meeting=None).exclude(claimant=None).first()
    person = listing_about(
        visibility.people().exclude(slug=PRINCIPAL), published.involving, PERSON_CLAIMS
    )
    meeting = listing_about(
        visibility.meetings(), lambda meeting: published.filter(meeting=meeting), CLAIMS
    )
    source = listing_about(
        Source.objects.all(), lambda source: published.filter(citations__source=source), CLAIMS
    )
    yield "public claim list", "/claims/"
    yield "public claim search", f"/claims/?q={COMMON_WORD}"
    yield "public claim search, rare word", f"/claims/?q={RARE_WORD}"
    for label, query in PUBLIC_SEARCHES:
        yield f"public claim search, {label}", f"/claims/?{urlencode({'q': query})}"
    yield "public claim page, in Ukrainian", f"/uk/claims/{claim.slug}/"
    yield "public claim page", f"/claims/{claim.slug}/"
    yield "public person page", f"/people/{person.slug}/"
    yield "public person page, principal", f"/people/{PRINCIPAL}/"
    yield "public meeting page", f"/meetings/{meeting.slug}/"
    yield "public source page", f"/sources/{source.slug}/"
    yield "public feed", "/feed/"
    yield "public sitemap", "/sitemap.xml"


def listing_about(candidates, claims_of, wanted):
    """Of the first hundred candidates, the one whose page lists nearest ``wanted`` published
    claims: a page's time follows what it lists, which must not differ between the sizes."""
    return min(
        candidates.order_by("pk")[:100], key=lambda each: abs(claims_of(each).count() - wanted)
    )


def worker(database):
    """Serve page timings for one database over stdin/stdout, one JSON request per line."""
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from talks.exchange import FIXTURE_MODELS
    from talks.models import Edition

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    editor, reader = Client(), Client()
    editor.force_login(user)
    page_list = [
        *((label, editor, path) for label, path in pages(FIXTURE_MODELS)),
        *((label, reader, path) for label, path in public_pages()),
    ]
    print(json.dumps([label for label, _, _ in page_list]), flush=True)
    paths = {label: (client, path) for label, client, path in page_list}
    for line in sys.stdin:
        request = json.loads(line)
        if request["page"] == "save claim":
            timings = save_claim_timings(request["samples"])
        else:
            timings = []
            client, path = paths[request["page"]]
            for _ in range(request["samples"]):
                if client is reader:  # the render and its queries, not the page cache
                    Edition.advance()
                started = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{request['page']}: HTTP {response.status_code}")
        print(json.dumps(timings), flush=True)


def save_claim_timings(samples):
    from talks.models import Claim

    claim = Claim.objects.order_by("pk")[Claim.objects.count() // 2]
    timings = []
    for i in range(samples):
        claim.verdict_rationale = f"Checked again, bench round {i}."
        claim._change_reason = "Benchmark edit"
        started = time.perf_counter()
        claim.save()
        timings.append(time.perf_counter() - started)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", default="fd_scale_1k")
    parser.add_argument("--large", default="fd_scale_1m")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument(
        "--only", default="", help="measure only the pages whose label contains this, e.g. public"
    )
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)

    workers = {
        size: subprocess.Popen(
            [sys.executable, __file__, "--worker", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for size, database in (("small", args.small), ("large", args.large))
    }
    labels = json.loads(workers["small"].stdout.readline())
    json.loads(workers["large"].stdout.readline())

    def measure(page, samples):
        results = {"small": [], "large": []}
        for _ in range(samples):  # alternate, one request at a time
            for size, process in workers.items():
                process.stdin.write(json.dumps({"page": page, "samples": 1}) + "\n")
                process.stdin.flush()
                results[size].extend(json.loads(process.stdout.readline()))
        return results

    for page in [label for label in labels if args.only in label]:
        measure(page, 2)  # warm both workers: templates, caches, database buffers

    print(f"times in ms; small = {args.small}, large = {args.large}")
    print(f"{'page':40} {'small med':>9} {'p95':>7} {'large med':>9} {'p95':>7} {'ratio':>6}")
    worst_ratio, slowest = 0.0, 0.0
    for page in [label for label in [*labels, "save claim"] if args.only in label]:
        results = measure(page, args.samples)
        small, large = (summary(results[size]) for size in ("small", "large"))
        ratio = large[0] / small[0]
        worst_ratio, slowest = max(worst_ratio, ratio), max(slowest, large[0])
        print(
            f"{page:40} {small[0]:9.1f} {small[1]:7.1f} {large[0]:9.1f} {large[1]:7.1f} "
            f"{ratio:6.2f}"
        )
    print(f"\nworst ratio large/small: {worst_ratio:.2f} (goal ≤ 1.5)")
    print(f"slowest median at the large size: {slowest:.1f} ms (goal < 200 ms)")
    for process in workers.values():
        process.stdin.close()
        process.wait()


def summary(timings):
    timings = sorted(t * 1000 for t in timings)
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


if __name__ == "__main__":
    main()
