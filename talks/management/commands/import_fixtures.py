from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from talks.services.fixture_import import ImportFailed, import_fixtures


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
        author = None
        if user:
            try:
                author = get_user_model()._default_manager.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named '{user}'.") from None
        try:
            result = import_fixtures(files, user=author, reason=reason, dry_run=dry_run)
        except ImportFailed as failure:
            for problem in failure.result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(failure.result.problems)} problem(s); nothing was imported."
            ) from None
        for line in result.summary_lines():
            self.stdout.write(line)
        verb = "Checked (dry run, nothing written)" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {', '.join(files)}"))
