"""An editor accepts a proposed spelling of a person's name as one of their other names.

The proposals are the official transliterations of the person's Cyrillic names
(``Person.proposed_spellings``); none is ever recorded without an editor's say.
"""

from django.db import transaction

from ..models import PersonAlias


class SpellingRefused(Exception):
    """The spelling cannot be accepted; the message says why, for the editor."""


def accept_proposed_spelling(person, spelling, *, user, reason=""):
    """Record ``spelling``, one of the spellings proposed for ``person``, as their other name:
    one transaction, and a history row with ``user`` and the reason. Returns the new name."""
    with transaction.atomic():
        proposed = dict(person.proposed_spellings())
        if spelling not in proposed:
            raise SpellingRefused(
                f"“{spelling}” is not a spelling proposed for {person}: it is recorded already, "
                "or the names it came from have changed."
            )
        alias = PersonAlias(
            person=person,
            name=spelling,
            kind=PersonAlias.Kind.TRANSLITERATION,
            language=proposed[spelling],
        )
        alias._history_user = user
        alias._change_reason = reason or "Accepted a proposed transliteration in the admin"
        alias.save()
    return alias
