from django.core.management.base import BaseCommand, CommandError

from talks.management.authors import author_named
from talks.models import Claim
from talks.services.proposals import propose_statements


class Command(BaseCommand):
    help = (
        "Propose statements from the words of the claims already in the desk, as a claim's "
        "save does: marked as proposed for an editor to accept, correct or reject. "
        "Idempotent: accepted statements are left alone, rejected proposals stay rejected, "
        "and nothing is flagged or published."
    )

    def add_arguments(self, parser):
        parser.add_argument("claims", nargs="*", help="Slugs of claims (default: every claim).")
        parser.add_argument("--user", help="Username recorded as the author of the changes.")
        parser.add_argument(
            "--reason", default="", help="Stored in the history; default 'Proposed from ...'."
        )

    def handle(self, *args, claims, user, reason, **options):
        author = author_named(user)
        chosen = Claim.objects.order_by("pk")
        if claims:
            chosen = chosen.filter(slug__in=claims)
            missing = set(claims) - set(chosen.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No claim with the slug {', '.join(sorted(missing))}.")
        added, withdrawn = propose_statements(chosen, user=author, reason=reason)
        self.stdout.write(
            self.style.SUCCESS(
                f"Proposed statements: {added} new, {withdrawn} withdrawn "
                f"(claims read: {chosen.count()})."
            )
        )
