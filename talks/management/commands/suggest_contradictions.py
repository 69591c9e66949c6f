from django.core.management.base import BaseCommand, CommandError

from talks.management.authors import author_named
from talks.services.suggestion_runs import SuggestionRunRefused
from talks.tasks import request_suggestion_run


class Command(BaseCommand):
    help = (
        "Find likely contradictions and store them as suggestions for editors to flag or "
        "dismiss, as the admin's button does. Idempotent, safe on a schedule: dismissed "
        "suggestions stay dismissed, and nothing is flagged or published."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Username recorded as the author of the changes.")
        parser.add_argument(
            "--reason", default="", help="Stored in the history; default 'Suggestion run'."
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Look at the whole desk, not only at what changed since the last run.",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the run for a worker (manage.py worker) and return, rather than run it "
            "here and wait.",
        )

    def handle(self, *args, user, reason, full, queue, **options):
        author = author_named(user)
        try:
            if queue:
                run = request_suggestion_run(user=author, reason=reason, queue=True, full=full)
                self.stdout.write(self.style.SUCCESS(f"Queued: {run}."))
                return
            run = request_suggestion_run(user=author, reason=reason, queue=False, full=full)
        except SuggestionRunRefused as refused:
            raise CommandError(f"{author}: {refused}") from None
        except Exception as error:
            raise CommandError(f"The suggestion run failed: {error}") from error
        for skipped in run.skipped:
            self.stdout.write(self.style.WARNING(skipped))
        looked = "the whole desk" if run.full else f"what changed ({run.looked_at} claims)"
        self.stdout.write(self.style.SUCCESS(f"Suggestions: {run.summary} Looked at {looked}."))
