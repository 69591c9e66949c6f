"""Tasks the task tests queue: one that writes a row a test can look for, one that fails."""

from django.tasks import task

from sources.models import Source


@task
def record_a_source(title):
    return Source.objects.create(title=title, kind=Source.Kind.NEWS_ARTICLE).pk


@task
def fail_with(message):
    raise RuntimeError(message)
