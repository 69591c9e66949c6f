"""The suggestion run: store what the rules find, so editors can flag or dismiss it.

Run it on a schedule (``manage.py suggest_contradictions``) or from the admin; both call
``refresh_suggestions``. It is idempotent: a run over unchanged data changes nothing. It
never flags or publishes anything, and what editors decided stays decided: a dismissed
suggestion is never proposed again, and a pair already flagged is not proposed at all.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sources.records import to_the_millisecond

from .. import rulebook
from ..contradiction_rules import detect_contradictions
from ..models import Contradiction, ContradictionSuggestion

Status = ContradictionSuggestion.Status


class SuggestionRunRefused(Exception):
    """The user's role may not run the suggestion rules; the message says so."""


@dataclass
class SuggestionRun:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    pending: int = 0
    skipped: list = field(default_factory=list)

    def summary(self):
        return (
            f"{self.created} new, {self.updated} updated, {self.withdrawn} withdrawn, "
            f"{self.unchanged} unchanged; {self.pending} pending in all."
        )


def _key(suggestion):
    low, high = sorted((suggestion.claim_a_id, suggestion.claim_b_id))
    return (low, high, suggestion.rule)


@transaction.atomic
def refresh_suggestions(*, user=None, reason=""):
    """Recompute the suggestions: add new ones, refresh pending ones, withdraw stale ones;
    refused to a ``user`` whose role may not run the rules (None: a command without --user).

    A pending suggestion the rules no longer find, or whose pair has since been flagged,
    is withdrawn (deleted, with its history). A flagged one whose contradiction is gone
    and that the rules still find is pending again.
    """
    refusal = rulebook.suggestion_run_refusal(user)
    if refusal:
        raise SuggestionRunRefused(refusal)
    reason = reason or "Suggestion run"
    if connection.vendor == "postgresql":  # one run at a time: the schedule and the admin
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('suggest_contradictions'))")
    detection = detect_contradictions()
    flagged = {
        tuple(sorted(pair)) for pair in Contradiction.objects.values_list("claim_a", "claim_b")
    }
    found = {
        candidate.key: candidate
        for candidate in detection.candidates
        if candidate.key[:2] not in flagged
    }
    existing = {
        _key(suggestion): suggestion for suggestion in ContradictionSuggestion.objects.all()
    }
    run = SuggestionRun(skipped=detection.skipped)
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
    return run
