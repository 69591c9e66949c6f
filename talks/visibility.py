"""What the public may see: the one definition that the readers' pages, the feed, the sitemaps,
the readers' filters and the export of the published record (``export_fixtures
--published-only``) all ask, and any read API must ask too.

A claim is public while it is published: a draft, a claim in review and a retracted claim are
not. Everything else is public because a published claim reaches it:

- a contradiction, once decided (confirmed or resolved), between two published claims;
- a person who made a published claim, or whom one is about, or who took part in a public
  meeting, with their other names and roles;
- a meeting a published claim is about, with its participants;
- a source a published claim cites, and every source those rest on, back to the origin,
  with the steps between them.

The citations and subjects of published claims show on their pages, and a public source's
page tells of the changes its outlet made after the desk quoted it, once an editor confirmed
them. Nothing else does: statements (proposed or accepted) and rejected proposals,
suggestions, the sources of roles and meetings, the archive's copies and its unconfirmed
changes, and everything about editors.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL

from sources.models import Capture, Source, SourceBasis, SourceChange
from sources.provenance import ProvenanceMap

from .models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    Meeting,
    MeetingCitation,
    Participant,
    Person,
    PersonAlias,
    RejectedProposal,
    Role,
    RoleCitation,
    SourcingSuggestion,
    Statement,
)

DECIDED = [Contradiction.Status.CONFIRMED, Contradiction.Status.RESOLVED]


# What no public page shows, whatever it belongs to.
NOT_ON_PUBLIC_PAGES = frozenset(
    [
        Statement,
        RejectedProposal,
        ContradictionSuggestion,
        SourcingSuggestion,
        RoleCitation,
        MeetingCitation,
        Capture,
    ]
)


def on_public_pages(model, row, published):
    """Whether a row of ``model`` (its ``status`` and foreign keys, as a dict of attnames) may
    show on a public page, ``published`` being the ids of the published claims among those it
    names: a published claim, what hangs off one, a decided contradiction between two; the
    people, meetings and sources a published claim reaches are taken as shown (asking would
    cost a query per write, and a page that does not show them never carries their tag)."""
    if model in NOT_ON_PUBLIC_PAGES:
        return False
    if model is Claim:
        return row["status"] == Claim.Status.PUBLISHED
    if model is SourceChange:
        return row["status"] == SourceChange.Status.CONFIRMED
    if model is Contradiction and row["status"] not in DECIDED:
        return False
    claims = [
        row[field.attname]
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model is Claim and row.get(field.attname)
    ]
    return all(claim in published for claim in claims)


def _published(prefix=""):
    """The condition on a claim (or on the claim at ``prefix``) that makes it public."""
    return Q(**{f"{prefix}status": Claim.Status.PUBLISHED})


def claims():
    """The published claims."""
    return Claim.objects.filter(_published())


def contradictions():
    """Decided contradictions between two published claims."""
    return Contradiction.objects.filter(
        _published("claim_a__"), _published("claim_b__"), status__in=DECIDED
    )


def version_is_public(version):
    """Whether readers may see a claim as it stood then (``talks.claim_versions``): it was
    published at that moment. A claim that was a draft, in review or retracted then shows
    nothing of that state."""
    return version.claim is not None and version.claim.status == Claim.Status.PUBLISHED


def contradiction_is_public(contradiction, claim, other):
    """Whether a contradiction, as it stood at some moment, was public then: decided, between
    the two claims as they stood (both published)."""
    return (
        contradiction.status in DECIDED
        and claim.status == Claim.Status.PUBLISHED
        and other.status == Claim.Status.PUBLISHED
    )


def meetings():
    """Meetings a published claim is about."""
    return Meeting.objects.filter(Exists(claims().filter(meeting=OuterRef("pk"))))


def people():
    """People a published claim reaches: who made one, whom one is about, who took part in a
    meeting one is about."""
    person = OuterRef("pk")
    return Person.objects.filter(
        Exists(claims().filter(claimant=person))
        | Exists(ClaimSubject.objects.filter(person=person, claim__in=claims()))
        | Exists(Participant.objects.filter(person=person, meeting__in=meetings()))
    )


def participations(person):
    """The person's part in public meetings."""
    return person.participations.filter(meeting__in=meetings())


def sources():
    """Sources a published claim cites, and every source those rest on, back to the origin:
    one query, the walk up the bases a recursive CTE seeded by the published claims'
    citations (PostgreSQL and SQLite both run it)."""
    cited, params = (
        Citation.objects.filter(claim__in=claims().order_by())
        .order_by()
        .values("source_id")
        .query.sql_with_params()
    )
    table = SourceBasis._meta.db_table
    walk = (
        f"WITH RECURSIVE reached(id) AS ({cited}"
        f" UNION SELECT b.basis_id FROM {table} b JOIN reached ON b.source_id = reached.id"
        f") SELECT id FROM reached"
    )
    return Source.objects.filter(pk__in=RawSQL(walk, params))


def source_changes(source):
    """The changes to ``source``'s page an editor confirmed, newest first, with when the desk
    quoted the page and when it saw it changed (the copies' text is not read)."""
    return (
        SourceChange.objects.confirmed()
        .filter(source=source)
        .annotate(quoted_at=F("before__fetched_at"), seen_at=F("after__fetched_at"))
        .only("kind", "note", "status", "source_id", "decided_at")
        .order_by("-seen_at", "-pk")
    )


def source_is_public(source):
    """Whether a published claim cites ``source``, or a source that rests on it."""
    return claims().resting_on(source).exists()


def published_record():
    """The primary keys of every public record, per model: what ``export_fixtures
    --published-only`` writes, a file that imports on its own.

    The same rules as the questions above, asked of the whole desk at once: the export reads
    every row of the link tables anyway, so the closures (the sources behind the cited ones)
    are walked in Python. A person a public role acts for is named on that role's page, so
    their record comes along (without their own roles and names, which no page shows).
    Contradictions stay out: they name the editors who flagged and decided them, whom
    readers never see and another desk does not have.
    """
    claim_ids = set(claims().values_list("pk", flat=True))
    citations = _rows(Citation, "claim_id", "source_id", within=claim_ids)
    subjects = _rows(ClaimSubject, "claim_id", "person_id", within=claim_ids)
    meeting_ids = set(meetings().values_list("pk", flat=True))
    participants = _rows(Participant, "meeting_id", "person_id", within=meeting_ids)
    person_ids = set(people().values_list("pk", flat=True))
    roles = _rows(Role, "person_id", "on_behalf_of_id", within=person_ids)
    principals = {principal for _, _, principal in roles if principal is not None}

    cited = {source for _, _, source in citations}
    bases = ProvenanceMap(SourceBasis.objects.only("source", "basis"))
    source_ids = cited.union(*(bases.reaches(source) for source in cited))
    steps = _rows(SourceBasis, "source_id", "basis_id", within=source_ids)
    return {
        Source: source_ids,
        SourceBasis: _ids(steps),
        Person: person_ids | principals,
        PersonAlias: _ids(_rows(PersonAlias, "person_id", within=person_ids)),
        Role: _ids(roles),
        Meeting: meeting_ids,
        Participant: _ids(participants),
        Claim: claim_ids,
        ClaimSubject: _ids(subjects),
        Citation: _ids(citations),
    }


def _rows(model, owner, *others, within):
    """(id, owner id, *other ids) of the rows of ``model`` whose ``owner`` is ``within``."""
    rows = model._base_manager.order_by().values_list("pk", owner, *others)
    return [row for row in rows if row[1] in within]


def _ids(rows):
    return {row[0] for row in rows}
