from django.core.management.base import BaseCommand, CommandError

from talks.management.authors import author_named
from talks.services.suggestion_runs import SuggestionRunRefused, refresh_suggestions


class Command(BaseCommand):
    help = (
        "Find likely contradictions and store them as suggestions for editors to flag or "
        "dismiss. Idempotent, safe on a schedule: dismissed suggestions stay dismissed, and "
        "nothing is flagged or published."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Username recorded as the author of the changes.")
        parser.add_argument(
            "--reason", default="", help="Stored in the history; default 'Suggestion run'."
        )

    def handle(self, *args, user, reason, **options):
        author = author_named(user)
        try:
            run = refresh_suggestions(user=author, reason=reason)
        except SuggestionRunRefused as refused:
            raise CommandError(f"{author}: {refused}") from None
        for skipped in run.skipped:
            self.stdout.write(self.style.WARNING(skipped))
        self.stdout.write(self.style.SUCCESS(f"Suggestions: {run.summary()}"))
