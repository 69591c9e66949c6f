"""How well the desk proposes statements: precision and recall per kind, on the labelled set.

    .venv/bin/python bench/proposal_bench.py [--verbose]

Builds a throw-away SQLite desk, imports fixtures/seed.json, adds the invented claims of
tests/proposal_labels.py, and runs the engine (talks.statement_proposals) over every claim.
Prints, per kind, what it proposed, how much of it is gold (precision) and how much of the
gold it found (recall): on the seed's hand-written statements, and on the invented claims
in English, Ukrainian and Russian. --verbose lists each miss and each proposal not in the gold.
Goal on the seed: recall >= 0.8, precision >= 0.9.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="proposal_bench_")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/desk.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from talks.exchange.importer import import_fixtures
    from talks.models import Claim
    from talks.statement_proposals.engine import propose
    from tests.proposal_labels import (
        INVENTED,
        SEED_FIXTURE,
        add_invented_claims,
        proposals_as_gold,
        score,
        seed_claims,
        seed_gold,
    )

    call_command("migrate", verbosity=0)
    import_fixtures([SEED_FIXTURE])
    invented_gold = add_invented_claims()
    clock = time.monotonic()
    found = proposals_as_gold(propose(Claim.objects.all()))
    seconds = time.monotonic() - clock
    seed = set(seed_claims())
    parts = [("seed (hand-written statements)", seed, seed_gold())]
    for language in ("en", "uk", "ru"):
        slugs = {claim.slug for claim in INVENTED if claim.language == language}
        gold = {row for row in invented_gold if row.claim in slugs}
        parts.append((f"invented, {language}", slugs, gold))
    print(f"{Claim.objects.count()} claims read in {seconds:.2f} s\n")
    for title, slugs, gold in parts:
        proposed = {row for row in found if row.claim in slugs}
        kinds, overall = score(proposed, gold)
        print(title)
        header = ("kind", "proposed", "gold", "right", "precision", "recall")
        print("  {:<14} {:>8} {:>5} {:>5} {:>9} {:>6}".format(*header))
        for kind, result in kinds.items():
            print(
                f"  {kind:<14} {result.proposed:>8} {result.gold:>5} {result.true:>5} "
                f"{result.precision:>9.2f} {result.recall:>6.2f}"
            )
        print(
            f"  {'all':<14} {overall.proposed:>8} {overall.gold:>5} {overall.true:>5} "
            f"{overall.precision:>9.2f} {overall.recall:>6.2f}\n"
        )
        if options.verbose:
            for row in sorted(proposed - gold, key=str):
                print(f"  not in the gold: {row}")
            for row in sorted(gold - proposed, key=str):
                print(f"  missed: {row}")
            print()


if __name__ == "__main__":
    main()
