import re

from django.core.management.base import BaseCommand, CommandError

from sources import history_chain


def published_head(value):
    """``POSITION:DIGEST``, as /transparency/ and the feed show the chain's head."""
    match = re.fullmatch(r"#?(\d+):([0-9a-f]{64})", value.strip().lower())
    if not match:
        raise ValueError(value)
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Check the history's chain (sources/history_chain.py): every history row as it was "
        "written, every link following from the one before, no row outside the chain. "
        "Names the first broken link and exits with status 1; --head checks a head kept from "
        "before (the public site's /transparency/ page shows it) is still on the chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            type=published_head,
            help="POSITION:DIGEST of a head published before, which the chain must still hold.",
        )

    def handle(self, *args, head, **options):
        checked, broken = history_chain.verify(expected_head=head)
        if broken is not None:
            raise CommandError(
                f"The history chain is broken at {broken} "
                f"({checked:,} link{'s' if checked != 1 else ''} before it hold)."
            )
        position, digest = history_chain.head()
        self.stdout.write(
            self.style.SUCCESS(
                f"The history chain holds: {checked:,} link{'s' if checked != 1 else ''}, "
                f"head #{position}:{digest}"
                + (f"; the published head #{head[0]} is on it." if head else ".")
            )
        )
