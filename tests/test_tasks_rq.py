"""The same tasks on RQ over the real Redis (TASKS_BACKEND=rq): queued when the write commits,
run by `manage.py worker`, failures kept with their error.

Redis is at FACTDESK_TEST_REDIS_URL (redis://127.0.0.1:6379/4 by default), a database of its
own that each test empties. CI starts Redis; elsewhere the tests skip without one. The worker
runs in this process (RQ's SimpleWorker) so the tasks see the test's database.
"""

import os
from io import StringIO

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import override_settings

from sources.models import Source

from .tasks_for_tests import fail_with, record_a_source

REDIS_URL = os.environ.get("FACTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def rq_backend():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "django_rq"],
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL}},
        RQ={"WORKER_CLASS": "rq.SimpleWorker"},
    ):
        yield
    connection.flushdb()


def run_worker():
    call_command("worker", burst=True, verbosity=0, stdout=StringIO(), stderr=StringIO())


def test_a_task_queued_when_the_write_commits_runs_on_an_rq_worker():
    queued = []
    with transaction.atomic():
        transaction.on_commit(lambda: queued.append(record_a_source.enqueue("Via Redis")))

    run_worker()

    result = record_a_source.get_result(queued[0].id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert Source.objects.get(pk=result.return_value).title == "Via Redis"


def test_a_task_queued_in_a_transaction_that_rolls_back_never_reaches_redis():
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: record_a_source.enqueue("Never written"))
        raise RuntimeError("the editor's save failed")

    run_worker()

    assert not Source.objects.filter(title="Never written").exists()
    assert not redis.Redis.from_url(REDIS_URL).keys("rq:job:*")


def test_a_failing_task_is_failed_with_its_error_and_the_rq_worker_goes_on():
    failing = fail_with.enqueue("the source went away")
    after = record_a_source.enqueue("After the failure")

    run_worker()

    failed = fail_with.get_result(failing.id)
    assert failed.status == TaskResultStatus.FAILED
    assert "RuntimeError: the source went away" in failed.errors[-1].traceback
    assert record_a_source.get_result(after.id).status == TaskResultStatus.SUCCESSFUL
