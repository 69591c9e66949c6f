from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from talks.services.fixture_import import import_fixtures

SEED = settings.BASE_DIR / "fixtures" / "seed.json"
DEMO_USERNAME = "editor"
DEMO_PASSWORD = "factdesk-demo"


class Command(BaseCommand):
    help = (
        "Try the desk: migrate, import the seed data set, create a demo editor login, "
        "print the admin URL and the login, and serve on 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Set everything up, but do not serve."
        )

    def handle(self, *args, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        editor = self.ensure_demo_editor()
        result = import_fixtures([SEED], user=editor, reason="demo start")
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"\nAdmin: http://{addrport}/admin/\nLogin: {DEMO_USERNAME} / {DEMO_PASSWORD}\n"
                f"Public claim pages: http://{addrport}/claims/\n"
            )
        )
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)

    def ensure_demo_editor(self):
        editor, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "editor@example.org"},
        )
        if created:
            editor.set_password(DEMO_PASSWORD)
            editor.save()
        return editor
