"""Background tasks: work that outlasts a request, run by ``manage.py worker``.

A task is queued when the transaction that asks for it commits, so a rolled-back save queues
nothing; its arguments are ids (JSON), and it performs a service. Each long job keeps its own
row (a ``SuggestionRun``) that the admin shows; where a worker died with the task, the row
is read back as failed from what the queue says (``latest_suggestion_runs``).
"""

import datetime
import logging
import os
import socket

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

from . import rulebook
from .models import SuggestionRun
from .models.suggestion_runs import UNFINISHED
from .services.proposals import claims_changed_since, propose_statements
from .services.suggestion_runs import SuggestionRunRefused, fail_run, perform_run

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running a task stopped before it finished: killed, or out of memory."""

    def __init__(self, worker="running it"):
        super().__init__(
            f"The worker {worker} stopped before the task finished (killed, or out of memory)."
        )


@task
def run_suggestion_rules(run_id):
    run = perform_run(run_id)
    return {"found": run.found, "summary": run.summary}


@task
def propose_statements_for(claim_ids):
    added, withdrawn = propose_statements(claim_ids)
    return {"added": added, "withdrawn": withdrawn}


@task
def propose_statements_since(moment):
    """For an import: the claims it wrote are those changed since it started (ISO time)."""
    changed = claims_changed_since(datetime.datetime.fromisoformat(moment))
    added, withdrawn = propose_statements(changed)
    return {"added": added, "withdrawn": withdrawn}


def queue_proposals_after_import(run):
    """Propose for what an import wrote, in the background (``run``: its ``ImportRun``)."""
    if run is not None:
        _on_commit(propose_statements_since, run.started_at.isoformat())


def queue_proposals(claim_ids):
    """Propose statements for these claims in the background once the transaction commits,
    so a save does not wait for the reading. A queue that cannot be reached loses nothing:
    the scheduled suggestion run proposes for every claim changed since the last run."""
    ids = sorted(set(claim_ids) - {None})
    if ids:
        _on_commit(propose_statements_for, ids)


def _on_commit(proposals_task, argument):
    def enqueue():
        try:
            proposals_task.enqueue(argument)
        except Exception:
            logger.exception("Proposed statements could not be queued (%s)", proposals_task.name)

    transaction.on_commit(enqueue)


def request_suggestion_run(*, user=None, reason="", queue=True, full=False):
    """A run of the rules for a worker (``queue``) or performed here and now (the schedule),
    over what changed since the last run, or over the whole desk (``full``); refused at once
    to a ``user`` whose role may not run the rules."""
    if refusal := rulebook.suggestion_run_refusal(user):
        raise SuggestionRunRefused(refusal)
    with transaction.atomic():
        run = SuggestionRun.objects.create(
            requested_by=user, reason=reason or "Suggestion run", full=full
        )
        if queue:
            transaction.on_commit(lambda: _enqueue(run))
    if not queue:
        run_suggestion_rules.call(run.pk)
        run.refresh_from_db()
    return run


def _enqueue(run):
    try:
        result = run_suggestion_rules.enqueue(run.pk)
    except Exception as error:  # the queue is unreachable: say so where editors look
        fail_run(run, f"The run could not be queued: {error}")
    else:
        SuggestionRun.objects.filter(pk=run.pk).update(task_id=result.id)


def latest_suggestion_runs():
    """The latest run, and the latest that finished well if that is another one.

    A run still shown as queued or running whose task the queue has given up on (its worker
    was killed) is marked failed here, with the queue's error.
    """
    latest = SuggestionRun.objects.select_related("requested_by").first()
    if latest is not None and latest.status in UNFINISHED and latest.task_id:
        _fail_if_the_queue_gave_up(latest)
    if latest is None or latest.status == SuggestionRun.Status.DONE:
        return latest, latest
    return latest, SuggestionRun.objects.done().select_related("requested_by").first()


def _fail_if_the_queue_gave_up(run):
    if (error := _lost_task_error(run_suggestion_rules, run.task_id)) is not None:
        run.refresh_from_db()
        if run.status in UNFINISHED:
            fail_run(run, error)


def _lost_task_error(task, task_id):
    """The error of a task the queue has given up on (it failed, or its worker died), or None."""
    try:
        result = task.get_result(task_id) if task_id else None
    except TaskResultDoesNotExist:
        return None
    if result is None:
        return None
    if result.status != TaskResultStatus.FAILED:
        return None
    return result.errors[-1].traceback if result.errors else f"WorkerLost: {WorkerLost()}"


def worker_name(pid=None):
    """``host:pid``: which worker took a task, as the queue records it."""
    return f"{socket.gethostname()[:40]}:{pid or os.getpid()}"


def fail_tasks_of_lost_workers():
    """Fail the tasks the database queue shows running on a worker of this host that is gone.

    A worker killed half-way (SIGKILL, out of memory, a restart) leaves its task "running"
    in the queue for ever, and its transaction rolled back. ``manage.py worker`` calls this
    as it starts, so the page showing the task says it failed, and why. (RQ does the same
    from its workers' heartbeats.)
    """
    host = worker_name().rpartition(":")[0]
    for result in DBTaskResult.objects.running():
        worker_host, _, pid = (result.worker_ids or [""])[-1].rpartition(":")
        if worker_host == host and pid.isdigit() and not _process_alive(int(pid)):
            result.set_failed(WorkerLost(f"{worker_host}:{pid}"))


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
