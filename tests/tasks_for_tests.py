"""Tasks the task tests queue: one writes a row a test can look for, one fails, one waits
half-way through its write to be killed."""

import time
from pathlib import Path

from django.db import transaction
from django.tasks import task

from sources.models import Source


@task
def record_a_source(title):
    return Source.objects.create(title=title, kind=Source.Kind.NEWS_ARTICLE).pk


@task
def fail_with(message):
    raise RuntimeError(message)


@task
def write_then_wait(title, written_flag):
    """Write a row, say so in ``written_flag``, then wait to be killed, the write uncommitted."""
    with transaction.atomic():
        Source.objects.create(title=title, kind=Source.Kind.NEWS_ARTICLE)
        Path(written_flag).write_text("written")
        time.sleep(60)
