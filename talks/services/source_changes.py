"""Editors' decisions on the changes the archive found in cited pages: confirm one (readers
are then told on the source's page) or dismiss it (a change that alters nothing the desk
relies on: a headline's typo, a menu). One transaction each, with a history row carrying the
editor and the reason; the rulebook says who may decide."""

from django.db import transaction
from django.utils import timezone

from sources.models import SourceChange

from .. import rulebook

NOTE_LENGTH = 1000


class SourceChangeRefused(Exception):
    """A decision that cannot be made; its message is shown to the editor as it is."""


@transaction.atomic
def decide_source_change(change, *, status, user, note="", reason=""):
    """Confirm or dismiss ``change`` (an open one; judged from the row as it stands)."""
    if refusal := rulebook.source_change_decision_refusal(user):
        raise SourceChangeRefused(refusal)
    if status not in (SourceChange.Status.CONFIRMED, SourceChange.Status.DISMISSED):
        raise SourceChangeRefused("A change is confirmed or dismissed.")
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise SourceChangeRefused(f"The note is longer than {NOTE_LENGTH} characters.")
    current = SourceChange.objects.select_for_update().get(pk=change.pk)
    if current.status != SourceChange.Status.OPEN:
        raise SourceChangeRefused(
            f"This change was {current.get_status_display().lower()} already"
            + (f" by {current.decided_by}." if current.decided_by else ".")
        )
    current.status, current.note = status, note
    current.decided_by, current.decided_at = user, timezone.now()
    current._history_user = user
    current._change_reason = reason or (
        "Confirmed: the outlet changed the page"
        if status == SourceChange.Status.CONFIRMED
        else "Dismissed: nothing the desk quotes changed"
    )
    current.save()
    return current
