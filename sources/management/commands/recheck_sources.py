from django.core.management.base import BaseCommand, CommandError

from sources import archive
from sources.captures import Capture, SourceChange
from sources.models import Source
from sources.tasks import recheck_sources

QUEUED_AT_ONCE = 500  # sources per queued task


def pages(count):
    return f"{count} cited page{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Fetch every cited page again (the sources with a URL that a citation quotes), check "
        "the quotes in the new copy and record each page whose text changed for an editor "
        "to confirm. Safe on a schedule: an unchanged page keeps no second copy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", action="append", default=[], help="Only this source (its slug); repeat."
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the re-checks for the workers (manage.py worker) and return.",
        )

    def handle(self, *args, source, queue, **options):
        sources = archive.cited_sources().order_by("pk")
        if source:
            sources = sources.filter(slug__in=source)
            missing = set(source) - set(sources.values_list("slug", flat=True))
            if missing:
                raise CommandError(
                    f"No cited source with a URL has the slug {', '.join(sorted(missing))}."
                )
        ids = list(sources.values_list("pk", flat=True))
        if queue:
            for start in range(0, len(ids), QUEUED_AT_ONCE):
                recheck_sources.enqueue(ids[start : start + QUEUED_AT_ONCE])
            self.stdout.write(self.style.SUCCESS(f"Queued the re-check of {pages(len(ids))}."))
            return
        changed = gone = unreachable = 0
        for pk in ids:
            source = Source.objects.get(pk=pk)
            capture = archive.recheck_source(source)
            if capture.status != Capture.Status.CAPTURED:
                unreachable += 1
            for change in SourceChange.objects.filter(after=capture):
                changed += 1
                gone += change.kind != SourceChange.Kind.CHANGED
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-checked {pages(len(ids))}: {changed} changed ({gone} with a quote gone), "
                f"{unreachable} could not be fetched."
            )
        )
