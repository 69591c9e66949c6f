"""The same tasks on RQ over the real Redis (TASKS_BACKEND=rq): queued when the write commits,
run by `manage.py worker`, failures kept with their error.

Redis is at FACTDESK_TEST_REDIS_URL (redis://127.0.0.1:6379/4 by default); each test queues
on a queue of its own, so test runs sharing a Redis never take each other's tasks. CI starts
Redis; elsewhere the tests skip without one. The worker runs in this process (RQ's
SimpleWorker) so the tasks see the test's database.
"""

import os
import uuid
from io import StringIO

import django_rq
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.urls import reverse

from sources.models import Source
from talks import tasks
from talks.models import SuggestionRun

from .tasks_for_tests import fail_with, record_a_source

REDIS_URL = os.environ.get("FACTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def queue(monkeypatch):
    """The RQ backend on a queue of this test's own; the name of the queue."""
    name = f"tests-{uuid.uuid4().hex}"
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "django_rq"],
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL}, name: {"URL": REDIS_URL}},
        RQ={"WORKER_CLASS": "rq.SimpleWorker"},
    ):
        monkeypatch.setattr(
            tasks, "run_suggestion_rules", tasks.run_suggestion_rules.using(queue_name=name)
        )
        yield name
        django_rq.get_queue(name).empty()


def run_worker():
    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())


def test_a_task_queued_when_the_write_commits_runs_on_an_rq_worker(queue):
    queued = []
    with transaction.atomic():
        transaction.on_commit(
            lambda: queued.append(record_a_source.using(queue_name=queue).enqueue("Via Redis"))
        )

    run_worker()

    result = record_a_source.get_result(queued[0].id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert Source.objects.get(pk=result.return_value).title == "Via Redis"


def test_a_task_queued_in_a_transaction_that_rolls_back_never_reaches_redis(queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(
            lambda: record_a_source.using(queue_name=queue).enqueue("Never written")
        )
        raise RuntimeError("the editor's save failed")

    assert django_rq.get_queue(queue).count == 0
    run_worker()
    assert not Source.objects.filter(title="Never written").exists()


def test_a_failing_task_is_failed_with_its_error_and_the_rq_worker_goes_on(queue):
    failing = fail_with.using(queue_name=queue).enqueue("the source went away")
    after = record_a_source.using(queue_name=queue).enqueue("After the failure")

    run_worker()

    failed = fail_with.get_result(failing.id)
    assert failed.status == TaskResultStatus.FAILED
    assert "RuntimeError: the source went away" in failed.errors[-1].traceback
    assert record_a_source.get_result(after.id).status == TaskResultStatus.SUCCESSFUL


def test_the_suggestion_run_queued_from_the_admin_runs_on_rq(admin_client):
    admin_client.post(reverse("admin:talks_contradictionsuggestion_run"))
    assert SuggestionRun.objects.get().status == SuggestionRun.Status.QUEUED

    run_worker()

    run = SuggestionRun.objects.get()
    assert (run.status, run.full, run.found) == (SuggestionRun.Status.DONE, True, 0)
    assert tasks.run_suggestion_rules.get_result(run.task_id).status == "SUCCESSFUL"
