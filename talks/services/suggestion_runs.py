"""The suggestion run: store what the rules find, so editors can flag or dismiss it.

The admin's button and the schedule queue a run (``talks.tasks``) and a worker performs it
(``perform_run``), or the schedule performs it at once; every run is a ``SuggestionRun`` row
that says how it went. ``refresh_suggestions`` does the work. It is idempotent: a run over
unchanged data changes nothing. Before the rules, it proposes statements for the claims
changed since the last run (``talks.services.proposals``). It never flags or publishes
anything, and what editors decided stays decided: a dismissed suggestion is never proposed
again, and a pair already flagged is not proposed at all.
"""

import datetime
import traceback
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sources.records import to_the_millisecond

from .. import rulebook
from ..contradiction_rules import detect_contradictions
from ..models import (
    Contradiction,
    ContradictionSuggestion,
    ImportRun,
    SourcingSuggestion,
    SuggestionRun,
)
from ..sourcing_rules import find_sourcing_gaps
from ..suggestion_scope import Scope, changes_since
from .proposals import claims_changed_since, propose_statements

Status = ContradictionSuggestion.Status


class SuggestionRunRefused(Exception):
    """The user's role may not run the suggestion rules; the message says so."""


@dataclass
class Outcome:
    """What one run found and changed."""

    found: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    pending: int = 0
    skipped: list = field(default_factory=list)
    sourcing_created: int = 0
    sourcing_withdrawn: int = 0
    sourcing_pending: int = 0

    def summary(self):
        summary = (
            f"{self.created} new, {self.updated} updated, {self.withdrawn} withdrawn, "
            f"{self.unchanged} unchanged; {self.pending} pending in all."
        )
        if self.sourcing_created or self.sourcing_withdrawn or self.sourcing_pending:
            summary += (
                f" Sourcing checks: {self.sourcing_created} new, {self.sourcing_withdrawn} "
                f"withdrawn; {self.sourcing_pending} pending in all."
            )
        return summary


def _key(suggestion):
    low, high = sorted((suggestion.claim_a_id, suggestion.claim_b_id))
    return (low, high, suggestion.rule)


# An incremental run looks at what changed since the last run started, less this margin:
# a save committed a little after it was stamped is not missed.
CHANGE_MARGIN = datetime.timedelta(minutes=10)


@transaction.atomic
def refresh_suggestions(*, user=None, reason="", scope=None):
    """Recompute the suggestions: add new ones, refresh pending ones, withdraw stale ones;
    refused to a ``user`` whose role may not run the rules (None: a command without --user).

    A pending suggestion the rules no longer find, or whose pair has since been flagged,
    is withdrawn (deleted, with its history). A flagged one whose contradiction is gone
    and that the rules still find is pending again. ``scope`` (``talks.suggestion_scope``)
    limits all of this to the pairs it covers; by default the run covers every pair.
    """
    refusal = rulebook.suggestion_run_refusal(user)
    if refusal:
        raise SuggestionRunRefused(refusal)
    scope = scope or Scope.everything()
    reason = reason or "Suggestion run"
    if connection.vendor == "postgresql":  # one run at a time: the schedule and the admin
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('suggest_contradictions'))")
    detection = detect_contradictions(scope.claims, scope.near_duplicates)
    flagged = {
        tuple(sorted(pair)) for pair in Contradiction.objects.values_list("claim_a", "claim_b")
    }
    found = {
        candidate.key: candidate
        for candidate in detection.candidates
        if candidate.key[:2] not in flagged and scope.covers(candidate.key)
    }
    existing = {
        key: suggestion
        for suggestion in ContradictionSuggestion.objects.all()
        if scope.covers(key := _key(suggestion))
    }
    run = Outcome(found=len(found), skipped=detection.skipped)
    stamp = to_the_millisecond(timezone.now())  # bulk writes skip TimestampedModel.save()
    new, changed = [], []

    for key, candidate in found.items():
        suggestion = existing.get(key)
        if suggestion is None:
            new.append(
                ContradictionSuggestion(
                    claim_a_id=candidate.claim_a,
                    claim_b_id=candidate.claim_b,
                    rule=candidate.rule,
                    explanation=candidate.explanation,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        elif suggestion.status == Status.DISMISSED or (
            suggestion.status == Status.PENDING and suggestion.explanation == candidate.explanation
        ):
            run.unchanged += 1
        else:  # pending with a new explanation, or flagged with its contradiction gone
            suggestion.explanation = candidate.explanation
            suggestion.status, suggestion.decided_by, suggestion.decided_at = (
                Status.PENDING,
                None,
                None,
            )
            suggestion.updated_at = stamp
            changed.append(suggestion)

    for key, suggestion in existing.items():
        if suggestion.status == Status.PENDING and key not in found:
            suggestion._history_user = user
            suggestion._change_reason = f"{reason}: withdrawn, " + (
                "the pair is flagged" if key[:2] in flagged else "no longer found"
            )
            suggestion.delete()
            run.withdrawn += 1
        elif suggestion.status != Status.PENDING and key not in found:
            run.unchanged += 1

    bulk_create_with_history(
        new,
        ContradictionSuggestion,
        batch_size=1000,
        default_user=user,
        default_change_reason=reason,
    )
    bulk_update_with_history(
        changed,
        ContradictionSuggestion,
        ["explanation", "status", "decided_by", "decided_at", "updated_at"],
        batch_size=1000,
        default_user=user,
        default_change_reason=reason,
    )
    run.created, run.updated = len(new), len(changed)
    run.pending = ContradictionSuggestion.objects.pending().count()
    refresh_sourcing_checks(user=user, reason=reason, run=run)
    return run


def refresh_sourcing_checks(*, user, reason, run):
    """Add the sourcing checks the rules find and withdraw the pending ones they no longer
    find (the claim now cites an independent origin, or its verdict changed); a dismissed
    one stays dismissed. Over the whole desk every run: the rule reads only the claims that
    cite an unnamed source."""
    found = find_sourcing_gaps()
    existing = {(s.claim_id, s.rule): s for s in SourcingSuggestion.objects.all()}
    stamp = to_the_millisecond(timezone.now())
    new = [
        SourcingSuggestion(
            claim_id=finding.claim,
            rule=finding.rule,
            explanation=finding.explanation,
            created_at=stamp,
            updated_at=stamp,
        )
        for key, finding in found.items()
        if key not in existing
    ]
    for key, suggestion in existing.items():
        if suggestion.status == SourcingSuggestion.Status.PENDING and key not in found:
            suggestion._history_user = user
            suggestion._change_reason = f"{reason}: withdrawn, no longer found"
            suggestion.delete()
            run.sourcing_withdrawn += 1
    bulk_create_with_history(
        new, SourcingSuggestion, default_user=user, default_change_reason=reason
    )
    run.sourcing_created = len(new)
    run.sourcing_pending = SourcingSuggestion.objects.pending().count()


def perform_run(run_id):
    """Perform a queued run: running, then done with what it found, or failed with its error.

    All or nothing: the suggestions and the run's "done" commit together, so a run stopped
    half-way (an error, a worker killed) leaves the suggestions as they were. Only a queued
    run is performed, so a task delivered twice, or to two workers, runs once.
    """
    with transaction.atomic():
        run = SuggestionRun.objects.select_for_update().get(pk=run_id)
        if run.status != SuggestionRun.Status.QUEUED:
            return run
        run.status, run.started_at = SuggestionRun.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    try:
        with transaction.atomic():
            _propose_for_changed_claims(run)
            scope = _scope(run)
            outcome = refresh_suggestions(user=run.requested_by, reason=run.reason, scope=scope)
            run.status, run.finished_at = SuggestionRun.Status.DONE, timezone.now()
            run.found, run.summary, run.skipped = outcome.found, outcome.summary(), outcome.skipped
            run.full, run.looked_at = scope.full, None if scope.full else len(scope.claims)
            fields = ["status", "finished_at", "found", "summary", "skipped", "full", "looked_at"]
            run.save(update_fields=fields)
    except Exception as error:
        fail_run(run, "".join(traceback.format_exception(error)))
        raise
    return run


def _propose_for_changed_claims(run):
    """Before the rules run, propose statements for the claims added or changed since the
    last run (``manage.py propose_statements`` reads the claims from before the first)."""
    previous = SuggestionRun.objects.done().exclude(pk=run.pk).order_by("-started_at").first()
    if previous is None:
        return
    changed = claims_changed_since(previous.started_at - CHANGE_MARGIN)
    propose_statements(
        changed, user=run.requested_by, reason=f"{run.reason}: proposed from the claims' words"
    )


def _scope(run):
    """What ``run`` looks at: everything when asked for, for a first run, or when an import
    came in since the last run (its rows are stamped when it starts, not when it commits);
    else what changed since the last run."""
    previous = SuggestionRun.objects.done().exclude(pk=run.pk).order_by("-started_at").first()
    if run.full or previous is None:
        return Scope.everything()
    since = previous.started_at - CHANGE_MARGIN
    if ImportRun.objects.filter(finished_at__gt=since).exists():
        return Scope.everything()
    return changes_since(since)


def fail_run(run, error):
    """Show ``run`` as failed with ``error``: nothing it was writing was kept."""
    run.status, run.finished_at, run.error = SuggestionRun.Status.FAILED, timezone.now(), error
    run.save(update_fields=["status", "finished_at", "error"])
