"""Round trips over generated desks that use every exchanged model: a desk's export imported
into the same desk writes nothing; imported into an empty desk and exported again, it gives
the same bytes; imported there a second time, it writes nothing.

``BUILDERS`` makes the rows of each model; the test iterates the registry of exchanged models
(``FIXTURE_MODELS``), so a model added to it without a builder here fails.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.models import Source, SourceBasis
from talks.exchange import FIXTURE_MODELS, import_fixtures
from talks.models import (
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
    Role,
    RoleCitation,
    SourcingSuggestion,
    Statement,
)

from .test_import_twice import written_so_far

pytestmark = pytest.mark.django_db

WORDS = st.text(alphabet="abc XYZ—«»’Зеленськийé\n", min_size=1, max_size=12).map(str.strip)
TEXT = WORDS.filter(bool)
DAYS = st.dates(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
MAYBE_DAY = st.none() | DAYS


def pair(draw, rows):
    """Two different rows of ``rows``."""
    first, second = draw(st.lists(st.sampled_from(rows), min_size=2, max_size=2, unique=True))
    return first, second


def sources(draw, desk, editor):
    return [
        Source.objects.create(
            title=draw(TEXT),
            kind="report",
            published_on=draw(MAYBE_DAY),
            reporting=draw(st.sampled_from(Source.Reporting.values)),
        )
        for _ in range(draw(st.integers(2, 3)))
    ]


def source_bases(draw, desk, editor):
    source, basis = pair(draw, desk[Source])
    return [SourceBasis.objects.create(source=source, basis=basis, note=draw(WORDS))]


def people(draw, desk, editor):
    return [
        Person.objects.create(name=draw(TEXT), description=draw(WORDS))
        for _ in range(draw(st.integers(2, 3)))
    ]


def aliases(draw, desk, editor):
    person = draw(st.sampled_from(desk[Person]))
    return [PersonAlias.objects.create(person=person, name=f"{person.name} {draw(TEXT)}")]


def roles(draw, desk, editor):
    acting, principal = pair(draw, desk[Person])
    start = draw(MAYBE_DAY)  # a null part of the role's natural key
    return [
        Role.objects.create(person=acting, title=draw(TEXT), start_date=start),
        Role.objects.create(person=principal, title="President", on_behalf_of=None),
    ]


def cited(draw, desk, model, owner):
    """A citation of each of ``owner``'s rows (field name = model) in one of the sources."""
    return [
        model.objects.create(
            **{owner: row},
            source=draw(st.sampled_from(desk[Source])),
            quote=draw(WORDS),
            attribution=draw(st.sampled_from(["", *Citation.Attribution.values])),
        )
        for row in desk[model._meta.get_field(owner).related_model]
    ]


def role_citations(draw, desk, editor):
    return cited(draw, desk, RoleCitation, "role")


def meetings(draw, desk, editor):
    return [Meeting.objects.create(title=draw(TEXT), kind="call", start_date=draw(MAYBE_DAY))]


def participants(draw, desk, editor):
    meeting = desk[Meeting][0]
    return [
        Participant.objects.create(meeting=meeting, person=person, side=draw(WORDS))
        for person in desk[Person][:2]
    ]


def meeting_citations(draw, desk, editor):
    source = draw(st.sampled_from(desk[Source]))
    return [MeetingCitation.objects.create(meeting=desk[Meeting][0], source=source)]


def claims(draw, desk, editor):
    published = Claim.objects.create(
        text=draw(TEXT),
        claimant=draw(st.sampled_from(desk[Person])),
        meeting=desk[Meeting][0],
        status="published",
        verdict=draw(st.sampled_from(["accurate", "false", "unverifiable"])),
        verdict_rationale=draw(WORDS),
    )
    draft = Claim.objects.create(
        text=draw(TEXT), claimant_label="sources within the delegation", claimed_on=draw(MAYBE_DAY)
    )
    return [published, draft]


def claim_subjects(draw, desk, editor):
    person = draw(st.sampled_from(desk[Person]))
    return [ClaimSubject.objects.create(claim=desk[Claim][0], person=person)]


def citations(draw, desk, editor):
    return cited(draw, desk, Citation, "claim")


def statements(draw, desk, editor):
    acting, principal = desk[Person][:2]
    meeting = desk[Meeting][0]
    claim = draw(st.sampled_from(desk[Claim]))
    # Each kind leaves other parts of the natural key null.
    return [
        Statement.objects.create(
            claim=claim, kind="acts_for", person=acting, on_behalf_of=principal, date=draw(DAYS)
        ),
        Statement.objects.create(claim=claim, kind="attended", person=acting, meeting=meeting),
        Statement.objects.create(
            claim=claim, kind="meeting_place", meeting=meeting, place=draw(TEXT)
        ),
    ]


def contradictions(draw, desk, editor):
    published, draft = desk[Claim]
    status = draw(st.sampled_from(["open", "confirmed", "dismissed"]))
    return [
        Contradiction.objects.create(
            claim_a=published, claim_b=draft, kind="event", status=status, flagged_by=editor
        )
    ]


def suggestions(draw, desk, editor):
    published, draft = desk[Claim]
    return [
        ContradictionSuggestion.objects.create(
            claim_a=draft,
            claim_b=published,
            rule=draw(st.sampled_from(["meeting_place", "role"])),
            explanation=draw(WORDS),
        )
    ]


def sourcing_suggestions(draw, desk, editor):
    published, _ = desk[Claim]
    return [
        SourcingSuggestion.objects.create(
            claim=published, rule="one_unnamed_origin", explanation=draw(WORDS)
        )
    ]


BUILDERS = {
    Source: sources,
    SourceBasis: source_bases,
    Person: people,
    PersonAlias: aliases,
    Role: roles,
    RoleCitation: role_citations,
    Meeting: meetings,
    Participant: participants,
    MeetingCitation: meeting_citations,
    Claim: claims,
    ClaimSubject: claim_subjects,
    Citation: citations,
    Statement: statements,
    Contradiction: contradictions,
    ContradictionSuggestion: suggestions,
    SourcingSuggestion: sourcing_suggestions,
}


def export():
    out = io.StringIO()
    call_command("export_fixtures", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_every_exchanged_model_has_a_builder():
    assert list(BUILDERS) == FIXTURE_MODELS


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_generated_desk_survives_export_and_import_both_ways(data, editor, tmp_path):
    with transaction.atomic():  # each example starts from an empty desk
        desk = {}
        for model in FIXTURE_MODELS:
            desk[model] = BUILDERS[model](data.draw, desk, editor)
            assert desk[model], f"{model._meta.label}: the desk has none"
        path = tmp_path / "desk.json"
        path.write_text(export(), encoding="utf-8")
        before = written_so_far()

        again = import_fixtures([path])

        assert (again.run, written_so_far()) == (None, before), "the desk imported itself"
        for model in reversed(FIXTURE_MODELS):
            model.objects.all().delete()

        import_fixtures([path])

        assert export() == path.read_text(encoding="utf-8")
        filled = written_so_far()
        assert import_fixtures([path]).run is None
        assert written_so_far() == filled
        transaction.set_rollback(True)
