"""Small factories that keep each test's setup visible in the test itself."""

import itertools
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from sources.models import Source
from talks.models import Claim, Meeting, Person

from .logins import log_in_verified
from .pages_served import served_pages  # noqa: F401  (pages on 127.0.0.1 for the archive)

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"
_numbers = itertools.count(1)


def make_source(**fields):
    n = next(_numbers)
    fields.setdefault("title", f"Report {n}")
    fields.setdefault("kind", Source.Kind.NEWS_ARTICLE)
    return Source.objects.create(**fields)


def make_person(**fields):
    fields.setdefault("name", f"Person {next(_numbers)}")
    return Person.objects.create(**fields)


def make_meeting(**fields):
    fields.setdefault("title", f"Meeting {next(_numbers)}")
    fields.setdefault("kind", Meeting.Kind.NEGOTIATION_ROUND)
    return Meeting.objects.create(**fields)


def make_claim(**fields):
    fields.setdefault("text", f"Claim number {next(_numbers)} was made.")
    return Claim.objects.create(**fields)


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with an empty page cache: the database rolls back between tests,
    so edition numbers repeat, and a page cached by another test must not answer."""
    cache.clear()


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run a write as if it committed, and return what it returns: the public pages' tags are
    stamped when a write commits (talks/page_tags.py), which a test's transaction never does."""

    def commit(write):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return write()

    return commit


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("desk-editor", "editor@example.org", "pw")


@pytest.fixture
def editor_client(client, editor):
    log_in_verified(client, editor)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's superuser client, past both steps of the login (tests/logins.py)."""
    return log_in_verified(client, admin_user)


@pytest.fixture
def as_role(django_user_model):
    """A logged-in admin client for one of the editorial roles (its user as ``.user``)."""

    def login(role):
        user = django_user_model.objects.create_user(
            role.lower().replace(" ", "-"), password="pw", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        log_in_verified(client, user)
        client.user = user
        return client

    return login


@contextmanager
def rewriting_history():
    """Let a test change history rows, as only someone holding the database could: on
    PostgreSQL the history tables refuse UPDATE and DELETE (sources/history_chain.py), and
    PostgreSQL's replica mode, for this session, fires no trigger. Tests that move history
    back in time use it; tests/test_history_chain.py uses it to tamper."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def run_queued_tasks():
    """Run every queued task as `manage.py worker` does, inside the test's transaction.

    The worker's own loop closes the connection between tasks, which would end the test's
    transaction; tests/test_tasks.py runs the real command with committed data.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while (queued := DBTaskResult.objects.ready().first()) is not None:
        queued.claim(worker.worker_id)
        worker.run_task(queued)
