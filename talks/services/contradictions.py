"""Editors' decisions on contradictions: flag, confirm, dismiss, resolve, and suggestions.

Each function is one transaction and leaves a history row, with the user and the reason
passed in, on every object it changes. A change that makes no sense raises
``ContradictionRefused``, whose message the admin shows to the editor as it is.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import rulebook, visibility
from ..models import Contradiction, ContradictionSuggestion
from ..models.contradictions import ContradictionRefused


def _require(refusal):
    """Refuse the step when the rulebook does (commands pass no user, and are refused nothing)."""
    if refusal:
        raise ContradictionRefused(refusal)


def _save(obj, *, user, reason):
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def check_can_flag(claim, other):
    """Refuse a pair that cannot be flagged: one claim twice, or a pair already flagged."""
    if claim.pk == other.pk:
        raise ContradictionRefused("A claim cannot contradict itself.")
    existing = Contradiction.objects.between(claim, other).first()
    if existing is not None:
        raise ContradictionRefused(
            "These two claims are already flagged as contradicting "
            f"({existing.get_status_display().lower()})."
        )


@transaction.atomic
def flag_contradiction(*, claim_a, claim_b, kind, note, user, reason):
    """Flag two claims as contradicting; pending suggestions of the pair become flagged."""
    _require(rulebook.flag_refusal(user))
    check_can_flag(claim_a, claim_b)
    contradiction = Contradiction(
        claim_a=claim_a,
        claim_b=claim_b,
        kind=kind,
        note=note,
        flagged_by=user,
        flagged_at=timezone.now(),
    )
    try:
        contradiction.full_clean()
        with transaction.atomic():
            _save(contradiction, user=user, reason=reason)
    except ValidationError as invalid:
        raise ContradictionRefused(" ".join(invalid.messages)) from None
    except IntegrityError:  # flagged by someone else a moment ago
        raise ContradictionRefused(
            "These two claims are already flagged as contradicting."
        ) from None
    now = timezone.now()
    for suggestion in ContradictionSuggestion.objects.pending().between(claim_a, claim_b):
        suggestion.status = ContradictionSuggestion.Status.FLAGGED
        suggestion.decided_by, suggestion.decided_at = user, now
        _save(suggestion, user=user, reason=reason)
    return contradiction


def _locked(contradiction):
    """The contradiction as it stands now, locked until the transaction ends."""
    return Contradiction.objects.select_for_update().get(pk=contradiction.pk)


@transaction.atomic
def confirm_contradiction(contradiction, *, user, reason):
    """The desk agrees the two claims cannot both be true; which one holds is still open."""
    _require(rulebook.decision_refusal(user, "confirm"))
    contradiction = _locked(contradiction)
    contradiction.move("confirm")
    _save(contradiction, user=user, reason=reason)
    return contradiction


@transaction.atomic
def dismiss_contradiction(contradiction, *, user, reason):
    """The claims do not contradict each other after all; the reason is required."""
    _require(rulebook.decision_refusal(user, "dismiss"))
    if not reason.strip():
        raise ContradictionRefused("Say why the contradiction is dismissed.")
    contradiction = _locked(contradiction)
    contradiction.move("dismiss")
    contradiction.resolution_note = reason
    contradiction.resolved_by, contradiction.resolved_at = user, timezone.now()
    _save(contradiction, user=user, reason=reason)
    return contradiction


@transaction.atomic
def resolve_contradiction(
    contradiction,
    *,
    prevailing_claim,
    resolution_note,
    user,
    reason,
    verdict="",
    verdict_rationale="",
):
    """Decide which claim holds; optionally correct the other claim's verdict in the same step.

    ``verdict`` and ``verdict_rationale``, when given, replace those of the claim that does
    not hold, which gets its own history row with the same user and reason; for a published
    claim that is a correction readers see, so it takes the editor's own reason. Without
    one, the history says it was resolved, naming the claim that holds only when it is public.
    """
    _require(rulebook.decision_refusal(user, "resolve"))
    if verdict or verdict_rationale:
        _require(rulebook.verdict_change_refusal(user))
    contradiction = _locked(contradiction)
    contradiction.move("resolve")
    if prevailing_claim.pk not in (contradiction.claim_a_id, contradiction.claim_b_id):
        raise ContradictionRefused("The claim that holds must be one of the two claims.")
    if not resolution_note.strip():
        raise ContradictionRefused("Say how the contradiction was resolved.")
    if not reason.strip():
        _require(resolution_correction(contradiction, prevailing_claim, verdict, verdict_rationale))
        reason = default_resolution_reason(prevailing_claim)
    contradiction.prevailing_claim = prevailing_claim
    contradiction.resolution_note = resolution_note
    contradiction.resolved_by, contradiction.resolved_at = user, timezone.now()
    _save(contradiction, user=user, reason=reason)

    other = contradiction.other_claim(prevailing_claim)
    before = (other.verdict, other.verdict_rationale)
    other.verdict = verdict or other.verdict
    other.verdict_rationale = verdict_rationale or other.verdict_rationale
    if (other.verdict, other.verdict_rationale) != before:
        try:
            other.full_clean()
        except ValidationError as invalid:
            raise ContradictionRefused(
                f"The verdict of “{other.slug}” cannot be changed so: " + " ".join(invalid.messages)
            ) from None
        _save(other, user=user, reason=reason)
    return contradiction


def resolution_correction(contradiction, prevailing_claim, verdict, verdict_rationale):
    """Why resolving so needs the editor's reason, or "": it corrects the verdict of a
    published claim, which readers see with the reason."""
    if not (verdict or verdict_rationale):
        return ""
    other = contradiction.other_claim(prevailing_claim)
    return other.reason_required_for(["verdict"])


def default_resolution_reason(prevailing_claim):
    """The history's reason of a resolution the editor gave none for: it names the claim
    that holds only when readers may see it."""
    if visibility.claims().filter(pk=prevailing_claim.pk).exists():
        return f"Resolved in the admin: “{prevailing_claim.excerpt()}” holds"
    return "Resolved in the admin"


def _pending(suggestion):
    suggestion = ContradictionSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != ContradictionSuggestion.Status.PENDING:
        raise ContradictionRefused(
            f"This suggestion was already {suggestion.get_status_display().lower()}."
        )
    return suggestion


@transaction.atomic
def flag_suggestion(suggestion, *, user, reason):
    """Turn a suggestion into an open contradiction, its explanation as the note."""
    suggestion = _pending(suggestion)
    return flag_contradiction(
        claim_a=suggestion.claim_a,
        claim_b=suggestion.claim_b,
        kind=suggestion.contradiction_kind,
        note=suggestion.explanation,
        user=user,
        reason=reason,
    )


@transaction.atomic
def dismiss_suggestion(suggestion, *, user, reason):
    """Set a suggestion aside for good: later suggestion runs leave it dismissed."""
    _require(rulebook.suggestion_dismissal_refusal(user))
    suggestion = _pending(suggestion)
    suggestion.status = ContradictionSuggestion.Status.DISMISSED
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    _save(suggestion, user=user, reason=reason)
    return suggestion
