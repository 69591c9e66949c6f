"""Background tasks: queued when the write commits, run by `manage.py worker`, results kept.

The database backend runs here on SQLite and PostgreSQL alike; tests/test_tasks_rq.py runs
the same tasks on RQ over the real Redis.
"""

import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import runserver
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from config.db_routing import ReplicaRouter, _public_read
from sources.models import Source
from talks.management.commands import demo
from talks.tasks import worker_name

from .tasks_for_tests import fail_with, record_a_source, write_then_wait

pytestmark = pytest.mark.django_db


def run_worker():
    """The worker in this process, on the tasks queued now. Its tests commit for real (the
    worker closes the connection between tasks, which ends a test's wrapping transaction)."""
    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_when_the_write_commits_runs_on_the_worker():
    queued = []
    with transaction.atomic():
        transaction.on_commit(lambda: queued.append(record_a_source.enqueue("From the worker")))
    assert not Source.objects.filter(title="From the worker").exists()

    run_worker()

    result = record_a_source.get_result(queued[0].id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert Source.objects.get(pk=result.return_value).title == "From the worker"
    assert result.worker_ids and ":" in result.worker_ids[0]  # host:pid of the worker


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: record_a_source.enqueue("Never written"))
        raise RuntimeError("the editor's save failed")

    run_worker()

    assert not DBTaskResult.objects.exists()
    assert not Source.objects.filter(title="Never written").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_failed_with_its_error_and_the_worker_runs_the_next():
    failing = fail_with.enqueue("the source went away")
    after = record_a_source.enqueue("After the failure")

    run_worker()

    failed = fail_with.get_result(failing.id)
    assert failed.status == TaskResultStatus.FAILED
    assert "RuntimeError: the source went away" in failed.errors[-1].traceback
    assert record_a_source.get_result(after.id).status == TaskResultStatus.SUCCESSFUL


@override_settings(PUBLIC_READS_DATABASE="replica")
def test_the_queue_is_read_on_the_primary_even_during_a_public_read():
    router = ReplicaRouter()
    token = _public_read.set(True)
    try:
        assert router.db_for_read(Source) == "replica"
        assert router.db_for_read(DBTaskResult) == "default"
    finally:
        _public_read.reset(token)


def test_the_demo_serves_with_a_worker_beside_it_and_stops_it_on_exit(monkeypatch, settings):
    settings.DEBUG = True  # the demo runs only in development
    started = []

    class Worker:
        def __init__(self, command):
            self.command, self.stopped = command, False
            started.append(self)

        def terminate(self):
            self.stopped = True

        def wait(self, timeout=None):
            return 0

    def serve(self, *args, **options):
        assert started and not started[0].stopped, "the worker runs while the server does"
        raise KeyboardInterrupt  # the developer stops the demo

    monkeypatch.setattr(demo.subprocess, "Popen", Worker)
    monkeypatch.setattr(runserver.Command, "handle", serve)
    with pytest.raises(KeyboardInterrupt):
        call_command("demo", stdout=StringIO())

    assert started[0].command[-1] == "worker" and started[0].stopped


# --- A worker killed half-way -----------------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second process cannot open the tests' in-memory SQLite database",
)


def start_worker(*arguments):
    """`manage.py worker` in a process of its own, on the test database."""
    environment = {**os.environ, "DATABASE_URL": the_test_database_url(), "DEBUG": "1"}
    return subprocess.Popen(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "worker", *arguments],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def the_test_database_url():
    database = connection.settings_dict
    login = ":".join(filter(None, [database["USER"], database["PASSWORD"]]))
    return f"postgres://{login}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_half_way_leaves_nothing_written_and_the_task_failed(tmp_path):
    written = tmp_path / "written"
    task = write_then_wait.enqueue("Half-written", str(written))
    after = record_a_source.enqueue("Queued behind it")
    worker = start_worker()
    try:
        wait_for(written.exists)  # the row is written, not committed
    finally:
        worker.kill()
        worker.wait()

    assert not Source.objects.filter(title="Half-written").exists()
    assert write_then_wait.get_result(task.id).status == TaskResultStatus.RUNNING
    run_worker()  # the next worker to start on this host says what happened, then works on

    lost = write_then_wait.get_result(task.id)
    assert lost.status == TaskResultStatus.FAILED
    assert f"WorkerLost: The worker {worker_name(worker.pid)} stopped" in lost.errors[-1].traceback
    assert record_a_source.get_result(after.id).status == TaskResultStatus.SUCCESSFUL
