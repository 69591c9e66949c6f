"""An editor's decision on a suggested sourcing check: setting it aside, the verdict standing.

Checking the claim again is done on the claim itself (a second origin cited, the verdict
changed); the next suggestion run then withdraws the suggestion.
"""

from django.db import transaction
from django.utils import timezone

from .. import rulebook
from ..models import SourcingSuggestion
from ..models.contradictions import ContradictionRefused


@transaction.atomic
def dismiss_sourcing_check(suggestion, *, user, reason):
    """Set a sourcing check aside for good: later runs leave it dismissed."""
    refusal = rulebook.suggestion_dismissal_refusal(user)
    if refusal:
        raise ContradictionRefused(refusal)
    suggestion = SourcingSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SourcingSuggestion.Status.PENDING:
        raise ContradictionRefused(
            f"This suggestion was already {suggestion.get_status_display().lower()}."
        )
    suggestion.status = SourcingSuggestion.Status.DISMISSED
    suggestion.decided_by, suggestion.decided_at = user, timezone.now()
    suggestion._history_user, suggestion._change_reason = user, reason
    suggestion.save()
    return suggestion
