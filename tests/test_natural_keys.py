"""Every fixture model is found by its natural key, and a dump imports back to the same dump."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from sources.models import Source, SourceBasis
from talks.exchange import FIXTURE_MODELS, import_fixtures
from talks.models import (
    Citation,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    MeetingCitation,
    Participant,
    PersonAlias,
    Role,
    RoleCitation,
    SourcingSuggestion,
    Statement,
)

from .conftest import SEED_FIXTURE, make_claim, make_meeting, make_person, make_source

FIXTURE_LABELS = [model._meta.label_lower for model in FIXTURE_MODELS]
DAY = datetime.date(2025, 11, 30)
# A time whose milliseconds are 000 but microseconds are not: Django's JSON dumps carry
# milliseconds only, which once turned it into "09:00:00.000Z" in one dump, "09:00:00Z" in
# the next.
SUB_MILLISECOND = datetime.datetime(2025, 12, 1, 9, 0, 0, 456, tzinfo=datetime.UTC)


def make_desk(editor):
    """One or two of everything a fixture carries, linked as the desk links them.

    Returns the objects by model. It includes a role whose start is unknown, a role citation
    resting on it, a resolved contradiction naming the editor who flagged it, statements
    with and without a person or a date, a dismissed suggestion, and times finer than a
    millisecond.
    """
    agency = make_source(
        title="Agency report on the Miami talks",
        kind=Source.Kind.REPORT,
        url="https://agency.example.org/miami?utm_source=feed",
        published_on=DAY,
        retrieved_on=DAY + datetime.timedelta(days=1),
        created_at=SUB_MILLISECOND,
    )
    article = make_source(
        title="Delegations met in Miami",
        outlet="Example News",
        author="A. Reporter",
        language="en",
        archive_url="https://web.archive.org/web/2025/https://news.example.org/miami",
    )
    basis = SourceBasis.objects.create(source=article, basis=agency, note="Relays the report.")

    envoy = make_person(name="Steve Witkoff", wikidata_id="Q123456", description="US envoy")
    president = make_person(name="Donald Trump")
    alias = PersonAlias.objects.create(
        person=envoy, name="Стів Віткофф", kind=PersonAlias.Kind.NATIVE, language="uk"
    )
    undated_role = Role.objects.create(
        person=envoy, title="Special Envoy", organisation="United States", on_behalf_of=president
    )
    dated_role = Role.objects.create(person=president, title="President", start_date=DAY)
    role_citation = RoleCitation.objects.create(
        role=undated_role,
        source=article,
        quote="Special envoy Steve Witkoff",
        relation=RoleCitation.Relation.ORIGINATES,
    )
    dated_role_citation = RoleCitation.objects.create(role=dated_role, source=agency)

    meeting = make_meeting(
        title="Talks in Miami", start_date=DAY, end_date=DAY + datetime.timedelta(days=2)
    )
    participant = Participant.objects.create(
        meeting=meeting,
        person=envoy,
        side="United States",
        role=Participant.Role.HEAD_OF_DELEGATION,
    )
    meeting_citation = MeetingCitation.objects.create(
        meeting=meeting, source=article, location="paragraph 2"
    )

    held = make_claim(
        text="The talks in Miami were productive.",
        claimant=envoy,
        claimed_on=DAY,
        meeting=meeting,
        status="published",
        verdict="unverifiable",
        verdict_rationale="Nobody outside the room can check it.",
        published_at=SUB_MILLISECOND,
    )
    failed = make_claim(
        text="The talks in Miami ended without result.",
        claimant_label="sources within the delegation",
        meeting=meeting,
    )
    subject = ClaimSubject.objects.create(claim=held, person=president)
    citation = Citation.objects.create(
        claim=held, source=article, quote="“Productive,” he said.", location="paragraph 4"
    )
    contradiction = Contradiction.objects.create(
        claim_a=held,
        claim_b=failed,
        kind=Contradiction.Kind.EVENT,
        note="Productive or without result.",
        status=Contradiction.Status.RESOLVED,
        prevailing_claim=failed,
        resolution_note="Both delegations later said no document was agreed.",
        flagged_by=editor,
        resolved_by=editor,
        resolved_at=timezone.now(),
    )
    statements = [
        Statement.objects.create(
            claim=held,
            kind=Statement.Kind.ACTS_FOR,
            person=envoy,
            on_behalf_of=president,
            date=DAY,
        ),
        Statement.objects.create(
            claim=held, kind=Statement.Kind.ATTENDED, person=envoy, meeting=meeting
        ),
        Statement.objects.create(
            claim=failed, kind=Statement.Kind.MEETING_PLACE, meeting=meeting, place="Miami"
        ),
    ]
    suggestion = ContradictionSuggestion.objects.create(
        claim_a=failed,
        claim_b=held,
        rule=ContradictionSuggestion.Rule.MEETING_PLACE,
        explanation="Places the talks in Miami; the other claim in Geneva.",
        status=ContradictionSuggestion.Status.DISMISSED,
        decided_by=editor,
        decided_at=SUB_MILLISECOND,
    )
    sourcing = SourcingSuggestion.objects.create(
        claim=held,
        rule=SourcingSuggestion.Rule.ONE_UNNAMED_ORIGIN,
        explanation="Rests on one unnamed briefing.",
        status=SourcingSuggestion.Status.DISMISSED,
        decided_by=editor,
        decided_at=SUB_MILLISECOND,
    )
    return {
        Source: [agency, article],
        SourceBasis: [basis],
        PersonAlias: [alias],
        Role: [undated_role, dated_role],
        RoleCitation: [role_citation, dated_role_citation],
        Participant: [participant],
        MeetingCitation: [meeting_citation],
        ClaimSubject: [subject],
        Citation: [citation],
        Contradiction: [contradiction],
        Statement: statements,
        ContradictionSuggestion: [suggestion],
        SourcingSuggestion: [sourcing],
        type(envoy): [envoy, president],
        type(meeting): [meeting],
        type(held): [held, failed],
    }


def dump():
    """The fixture models as ``dumpdata --natural-foreign --natural-primary`` writes them."""
    out = io.StringIO()
    call_command(
        "dumpdata", *FIXTURE_LABELS, natural_foreign=True, natural_primary=True, stdout=out
    )
    return out.getvalue()


def wipe():
    """Delete every fixture object, dependants first (``FIXTURE_MODELS`` is in their order)."""
    for model in reversed(FIXTURE_MODELS):
        model.objects.all().delete()
    assert not any(model.objects.exists() for model in FIXTURE_MODELS)


def assert_dump_imports_back_unchanged(first, tmp_path):
    path = tmp_path / "dump.json"
    path.write_text(first, encoding="utf-8")
    wipe()

    import_fixtures([path])
    second = dump()

    dumped = json.loads(first)
    assert json.loads(second) == dumped
    assert not [entry for entry in dumped if "pk" in entry]
    return dumped


@pytest.mark.django_db
@pytest.mark.parametrize("model", FIXTURE_MODELS, ids=lambda model: model._meta.label)
def test_natural_key_finds_the_object(model, editor):
    for instance in make_desk(editor)[model]:
        key = json.loads(json.dumps(instance.natural_key()))  # as a fixture carries it

        assert model.objects.get_by_natural_key(*key) == instance


@pytest.mark.django_db
def test_a_role_without_start_date_has_a_null_in_its_natural_key(editor):
    role = make_desk(editor)[Role][0]

    assert role.natural_key() == ("steve-witkoff", "Special Envoy", None)
    assert role.citations.get().natural_key() == (
        "steve-witkoff",
        "Special Envoy",
        None,
        "delegations-met-in-miami",
    )


@pytest.mark.django_db
def test_a_dump_of_every_model_imports_back_to_the_same_dump(tmp_path, editor):
    desk = make_desk(editor)
    assert set(desk) == set(FIXTURE_MODELS)

    dumped = assert_dump_imports_back_unchanged(dump(), tmp_path)

    assert len(dumped) == sum(len(objects) for objects in desk.values())
    assert {entry["model"] for entry in dumped} == set(FIXTURE_LABELS)
    contradiction = next(e for e in dumped if e["model"] == "talks.contradiction")
    assert contradiction["fields"]["flagged_by"] == ["desk-editor"]


@pytest.mark.django_db
def test_the_seed_imports_and_its_dump_imports_back_unchanged(tmp_path):
    import_fixtures([SEED_FIXTURE])

    dumped = assert_dump_imports_back_unchanged(dump(), tmp_path)

    assert len(dumped) == len(json.loads(SEED_FIXTURE.read_text(encoding="utf-8")))


def key_from_fields(instance):
    """The natural key as the importer reads it: from the fields natural_key_fields names."""
    key = ()
    for name in instance.natural_key_fields:
        value = getattr(instance, name)
        if hasattr(value, "natural_key"):
            key += key_from_fields(value)
        else:
            key += (value.isoformat() if hasattr(value, "isoformat") else value,)
    return key


@pytest.mark.django_db
@pytest.mark.parametrize("model", FIXTURE_MODELS, ids=lambda model: model._meta.label)
def test_the_importer_reads_each_natural_key_from_the_right_fields(model, editor):
    for instance in make_desk(editor)[model]:
        assert key_from_fields(instance) == instance.natural_key()


@pytest.mark.django_db
def test_the_seed_imported_twice_writes_nothing_the_second_time():
    """The seed's statements leave parts of their keys empty (no person, no meeting, no
    date): a null part of a key matches a null, or every such statement looks new."""
    import_fixtures([SEED_FIXTURE])
    statements_with_a_null = [
        statement for statement in Statement.objects.all() if None in statement.natural_key()
    ]
    history = sum(model.history.count() for model in FIXTURE_MODELS)

    again = import_fixtures([SEED_FIXTURE])

    assert statements_with_a_null
    assert again.totals()["created"] == again.totals()["updated"] == 0
    assert again.totals()["unchanged"] == len(json.loads(SEED_FIXTURE.read_text("utf-8")))
    assert sum(model.history.count() for model in FIXTURE_MODELS) == history


@pytest.mark.django_db
def test_a_key_with_null_parts_finds_its_row_and_no_other(editor):
    desk = make_desk(editor)
    undated = desk[Role][0]
    dated_too = Role.objects.create(person=undated.person, title=undated.title, start_date=DAY)
    statement = desk[Statement][1]  # attended: no one acted for, no date
    key = statement.natural_key()

    assert undated.natural_key()[2] is None
    assert Role.objects.get_by_natural_key(*undated.natural_key()) == undated
    assert Role.objects.get_by_natural_key(*dated_too.natural_key()) == dated_too
    assert key.count(None) == 2
    assert Statement.objects.get_by_natural_key(*key) == statement


def test_natural_key_dependencies_are_the_models_each_key_refers_to():
    assert Statement.natural_key.dependencies == ["talks.claim", "talks.person", "talks.meeting"]
    assert RoleCitation.natural_key.dependencies == ["talks.role", "sources.source"]
    assert getattr(Source.natural_key, "dependencies", []) == []
