import subprocess
import sys
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from talks.exchange import import_fixtures

SEED = settings.BASE_DIR / "fixtures" / "seed.json"
DEMO_PASSWORD = "factdesk-demo"
# One login per editorial role, each in its group and nothing more: the daily work needs no
# superuser. The chief editor imports the seed, whose published claims take that role.
DEMO_LOGINS = {"contributor": "Contributor", "editor": "Editor", "chief": "Chief editor"}
IMPORTER = "chief"


class Command(BaseCommand):
    help = (
        "Try the desk: migrate, import the seed data set, create a demo login for each "
        "editorial role, print the admin URL and the logins, and serve on 127.0.0.1:8000 "
        "with a task worker beside the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Set everything up, but do not serve."
        )

    def handle(self, *args, addrport, no_serve, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo creates logins with a published password, so it runs only in "
                "development: set DEBUG=1 (never on a production database)."
            )
        # The demo's logins skip the second step of the login (talks/two_factor.py), which
        # honours this only while DEBUG is on.
        settings.FACTDESK_TWO_FACTOR_SKIPPED_FOR = list(DEMO_LOGINS)
        call_command("migrate", interactive=False, verbosity=0)
        logins = {
            username: self.ensure_login(username, role) for username, role in DEMO_LOGINS.items()
        }
        result = import_fixtures([SEED], user=logins[IMPORTER], reason="demo start")
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
        lines = [
            f"\nAdmin: http://{addrport}/admin/",
            "Logins (password for each: " + DEMO_PASSWORD + "; no second step, as DEBUG is on):",
        ]
        lines += [f"  {username:<12} {role}" for username, role in DEMO_LOGINS.items()]
        lines.append(f"Public claim pages: http://{addrport}/claims/\n")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
        if not no_serve:
            with worker_beside_the_server():
                call_command("runserver", addrport, use_reloader=False)

    def ensure_login(self, username, role):
        """The demo login for ``role``, in its group alone, with the demo password."""
        user, _ = get_user_model().objects.update_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": False, "email": f"{username}@example.org"},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        return user


@contextmanager
def worker_beside_the_server():
    """A task worker for as long as the server runs, so every button that queues work (the
    suggestion run, an import) gets its result in the demo; it stops when the server does."""
    worker = subprocess.Popen([sys.executable, str(settings.BASE_DIR / "manage.py"), "worker"])
    try:
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
