"""Recording a claim from an article in one step: the source (found by its URL, or new), the
claimant (a person on record, a new one, or the words the source uses), the claim with its
quote and place in the source, the people it is about and what it asserts.

One transaction: every row written gets a history row with the editor and the reason, and a
refusal (a rule of the rulebook or of the database) leaves nothing behind.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from sources.models import Source, normalise_url

from ..models import Citation, Claim, ClaimSubject, Person


class RecordRefused(Exception):
    """The claim cannot be recorded as given; the message says why, for the editor."""


@dataclass
class NewSource:
    """A source the desk does not have yet, as the editor typed it."""

    url: str
    title: str
    kind: str = Source.Kind.NEWS_ARTICLE
    outlet: str = ""
    published_on: object = None

    def existing(self):
        """The source already on record at this URL, if any: one document, one source."""
        url = normalise_url(self.url)
        return Source.objects.filter(url=url).first() if url else None

    def build(self):
        return Source(
            url=self.url,
            title=self.title,
            kind=self.kind,
            outlet=self.outlet,
            published_on=self.published_on,
        )


@dataclass
class Recorded:
    claim: Claim
    source: Source
    source_created: bool
    claimant_created: bool
    rows: list = field(default_factory=list)  # every row written, the claim first


def _save(obj, *, user, reason, written):
    try:
        obj.full_clean()
    except ValidationError as invalid:
        label = obj._meta.verbose_name
        raise RecordRefused(f"The {label} cannot be saved: {' '.join(invalid.messages)}") from None
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    written.append(obj)
    return obj


@transaction.atomic
def record_claim(
    *,
    text,
    source=None,
    new_source=None,
    quote="",
    location="",
    relation=Citation.Relation.REPEATS,
    claimant=None,
    new_claimant_name="",
    claimant_label="",
    claimed_on=None,
    meeting=None,
    status=Claim.Status.DRAFT,
    subjects=(),
    statements=(),
    user,
    reason,
):
    """Record the claim, its citation, subjects and statements; returns ``Recorded``.

    ``source`` is a source on record, or ``new_source`` a ``NewSource`` (the one on record at
    its URL is used when there is one). ``statements`` are unsaved ``Statement``s without
    their claim.
    """
    written = []
    reason = reason or "Recorded from an article in the admin"
    refusal = Claim().editorial_refusal(user, {"status": status}) if user is not None else ""
    if refusal:
        raise RecordRefused(refusal)
    source_created = False
    if source is None:
        source = new_source.existing()
        if source is None:
            source = _save(new_source.build(), user=user, reason=reason, written=written)
            source_created = True
    claimant_created = bool(new_claimant_name.strip())
    if claimant_created:
        claimant = _save(
            Person(name=new_claimant_name.strip()), user=user, reason=reason, written=written
        )
    claim = Claim(
        text=text,
        claimant=claimant,
        claimant_label=claimant_label,
        claimed_on=claimed_on,
        meeting=meeting,
        status=status,
    )
    _save(claim, user=user, reason=reason, written=written)
    _save(
        Citation(claim=claim, source=source, quote=quote, location=location, relation=relation),
        user=user,
        reason=reason,
        written=written,
    )
    for person in dict.fromkeys(subjects):
        _save(ClaimSubject(claim=claim, person=person), user=user, reason=reason, written=written)
    for statement in statements:
        statement.claim = claim
        _save(statement, user=user, reason=reason, written=written)
    written.insert(0, written.pop(written.index(claim)))
    return Recorded(claim, source, source_created, claimant_created, written)
