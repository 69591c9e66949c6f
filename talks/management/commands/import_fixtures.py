import time

from django.core.management.base import BaseCommand, CommandError

from talks.exchange import ImportFailed, import_fixtures
from talks.management.authors import author_named
from talks.tasks import queue_proposals_after_import


class Command(BaseCommand):
    help = (
        "Import fixture JSON with natural keys, with history for every created or changed "
        "object. All or nothing: any problem means nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, write nothing."
        )
        parser.add_argument("--user", help="Username recorded as the author of the changes.")
        parser.add_argument("--reason", default="", help="Why; stored in every history row.")

    def handle(self, *args, files, dry_run, user, reason, **options):
        author = author_named(user)
        progress = ProgressLine(self.stdout) if self.stdout.isatty() else None
        try:
            result = import_fixtures(
                files, user=author, reason=reason, dry_run=dry_run, progress=progress
            )
        except ImportFailed as failure:
            if progress:
                progress.clear()
            for problem in failure.result.problems:
                self.stderr.write(str(problem))
            if failure.result.more_problems:
                self.stderr.write(f"... and {failure.result.more_problems} more problem(s)")
            total = len(failure.result.problems) + failure.result.more_problems
            raise CommandError(f"{total} problem(s); nothing was imported.") from None
        if progress:
            progress.clear()
        if not dry_run:
            queue_proposals_after_import(result.run)
        for line in result.summary_lines():
            self.stdout.write(line)
        for line in result.skipped_lines():
            self.stdout.write(line)
        totals = result.totals()
        rate = result.objects / result.seconds if result.seconds else 0
        run = f"Import run #{result.run.pk}: " if result.run else ""
        self.stdout.write(
            f"{run}{result.objects} objects in {result.seconds:.1f} s ({rate:,.0f} objects/s): "
            f"{totals['created']} created, {totals['updated']} updated, "
            f"{totals['unchanged']} unchanged"
        )
        if dry_run:
            verb = "Checked (dry run, nothing written)"
        elif result.run is None:
            verb = "Nothing to write, the desk already holds every object as given"
        else:
            verb = "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {', '.join(files)}"))


class ProgressLine:
    """One line on a terminal, rewritten as the import reads, checks and writes."""

    def __init__(self, stream, every=0.2):
        self.stream, self.every = stream, every
        self.shown = time.monotonic()
        self.stage_started = {}

    def __call__(self, stage, done, total):
        now = time.monotonic()
        started = self.stage_started.setdefault(stage, now)
        if now - self.shown < self.every and done != total:
            return
        self.shown = now
        rate = done / (now - started) if now > started else 0
        line = f"{stage} {done:,}"
        if total:
            line += f" of {total:,} objects"
            if rate and done < total:
                line += f", {rate:,.0f}/s, about {(total - done) / rate:.0f} s left"
        else:
            line += f" objects, {rate:,.0f}/s"
        self.stream.write(f"\r{line}\x1b[K", ending="")
        self.stream.flush()

    def clear(self):
        self.stream.write("\r\x1b[K", ending="")
