"""Proposed statements: store what the engine reads in claims, and editors' decisions on it.

``propose_statements`` writes the statements ``talks.statement_proposals`` proposes, marked
as proposed, and withdraws the proposals a claim's words no longer make; it never touches an
accepted statement, and never proposes again what an editor rejected (``RejectedProposal``).
Accepting, correcting and rejecting are an editor's steps, each one transaction with its
history (who and why), asked of the rulebook first. Nothing here flags or publishes.
"""

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sources.records import to_the_millisecond

from .. import rulebook
from ..models import Citation, Claim, RejectedProposal, Statement
from ..statement_proposals.engine import BATCH, propose

PROPOSED = Statement.Status.PROPOSED
ACCEPTED = Statement.Status.ACCEPTED
DEFAULT_REASON = "Proposed from the claim's words"


class ProposalRefused(Exception):
    """The step may not be taken (the role, or the proposal is decided already)."""


def propose_statements(claims, *, user=None, reason=""):
    """Propose the statements the words of ``claims`` (ids or a queryset) make, a batch per
    transaction; returns (added, withdrawn)."""
    ids = list(claims.values_list("pk", flat=True)) if hasattr(claims, "values_list") else claims
    added = withdrawn = 0
    for first in range(0, len(ids), BATCH):
        batch_added, batch_withdrawn = _propose_batch(
            ids[first : first + BATCH], user=user, reason=reason or DEFAULT_REASON
        )
        added += batch_added
        withdrawn += batch_withdrawn
    return added, withdrawn


@transaction.atomic
def _propose_batch(claim_ids, *, user, reason):
    if connection.vendor == "postgresql":  # the on-save task, the command and the schedule
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('propose_statements'))")
    found = propose(claim_ids)
    existing = {}
    for statement in Statement.objects.filter(claim__in=list(found)).order_by("pk"):
        existing[(statement.claim_id, statement.fingerprint)] = statement
    rejected = set(
        RejectedProposal.objects.filter(claim__in=list(found)).values_list(
            "claim_id", "fingerprint"
        )
    )
    stamp = to_the_millisecond(timezone.now())  # bulk writes skip TimestampedModel.save()
    new, wanted = [], set()
    for claim_id, proposals in found.items():
        for proposal in proposals:
            key = (claim_id, proposal.fingerprint)
            if key in wanted:
                continue
            wanted.add(key)
            if key in existing or key in rejected:
                continue
            new.append(
                Statement(
                    **proposal.values(),
                    status=PROPOSED,
                    evidence=proposal.evidence,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
    withdrawn = 0
    for key, statement in existing.items():
        if statement.status == PROPOSED and key not in wanted:
            statement._history_user = user
            statement._change_reason = f"{reason}: withdrawn, the claim no longer says it"
            statement.delete()
            withdrawn += 1
    bulk_create_with_history(
        new, Statement, batch_size=1000, default_user=user, default_change_reason=reason
    )
    return len(new), withdrawn


def _proposal(statement, user):
    """The proposal as it stands, locked; refused to a role that may not decide it, and
    when an editor decided it meanwhile."""
    current = Statement.objects.select_for_update().filter(pk=statement.pk).first()
    if current is None or current.status != PROPOSED:
        raise ProposalRefused(
            "This proposal was decided meanwhile (accepted, corrected or rejected): "
            "the claim's page shows it as it stands."
        )
    if refusal := rulebook.proposal_decision_refusal(user, current.claim):
        raise ProposalRefused(refusal)
    return current


@transaction.atomic
def accept_proposal(statement, *, user, reason=""):
    """The proposal becomes the desk's word, as it was proposed."""
    current = _proposal(statement, user)
    current.status = ACCEPTED
    _save(current, user=user, reason=reason or "Accepted a proposed statement")
    return current


@transaction.atomic
def reject_proposal(statement, *, user, reason=""):
    """The proposal goes, and is remembered so that it is never proposed again."""
    current = _proposal(statement, user)
    reason = reason or "Rejected a proposed statement"
    _remember(current, user=user, reason=reason)
    current._history_user, current._change_reason = user, f"Rejected: {reason}"
    current.delete()
    return current


@transaction.atomic
def correct_proposal(statement, *, user, changes, reason=""):
    """The proposal, corrected by ``changes`` (field to value), becomes the desk's word; what
    it said before is remembered as rejected, so it is not proposed again beside it."""
    current = _proposal(statement, user)
    before = str(current)
    _remember(current, user=user, reason=f"Corrected: {reason}" if reason else "Corrected")
    for name, value in changes.items():
        setattr(current, name, value)
    current.status = ACCEPTED
    _save(current, user=user, reason=reason or f"Corrected a proposal (was: {before})")
    return current


def _save(statement, *, user, reason):
    statement._history_user, statement._change_reason = user, reason
    statement.save()


def _remember(statement, *, user, reason):
    fingerprint = statement.fingerprint
    if RejectedProposal.objects.filter(
        claim_id=statement.claim_id, fingerprint=fingerprint
    ).exists():
        return
    rejection = RejectedProposal(
        claim_id=statement.claim_id,
        fingerprint=fingerprint,
        statement=str(statement)[:400],
        reason=reason[:300],
        rejected_by=user,
    )
    rejection._history_user, rejection._change_reason = user, reason
    rejection.save()


def claims_changed_since(moment):
    """Claims added or changed since ``moment``, their citations' quotes included, by any
    path (the admin, an import's COPY, a revert): what the scheduled run proposes for."""
    claims = Claim.history.filter(history_date__gte=moment, history_type__in=["+", "~"])
    quoted = Citation.history.filter(history_date__gte=moment, history_type__in=["+", "~"])
    ids = {*claims.values_list("id", flat=True), *quoted.values_list("claim_id", flat=True)}
    return sorted(Claim.objects.filter(pk__in=ids).values_list("pk", flat=True))
