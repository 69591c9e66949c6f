from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from talks.services.suggestions import refresh_suggestions


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
        author = None
        if user:
            try:
                author = get_user_model()._default_manager.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named '{user}'.") from None
        run = refresh_suggestions(user=author, reason=reason)
        for skipped in run.skipped:
            self.stdout.write(self.style.WARNING(skipped))
        self.stdout.write(self.style.SUCCESS(f"Suggestions: {run.summary()}"))
