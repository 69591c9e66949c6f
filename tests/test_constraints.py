"""The database holds every rule itself; ``full_clean()`` explains the main ones in words.

Each refusal test writes the bad row with a plain ``save()`` (no validation), the way a
script, a shell session or a buggy import would, and checks that the database names the
rule that refused it.
"""

import datetime
from collections.abc import Callable
from typing import NamedTuple

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from sources.models import Source, SourceBasis, normalise_url
from talks.exchange import FIXTURE_MODELS
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

from .conftest import make_claim, make_meeting, make_person, make_source

DAY = datetime.date(2025, 11, 30)
DAY_BEFORE = DAY - datetime.timedelta(days=1)


def make_role(**fields):
    fields.setdefault("person", make_person())
    fields.setdefault("title", "Special Envoy")
    return Role.objects.create(**fields)


def unsaved(model):
    """A valid, unsaved ``model`` whose references already exist in the database."""
    builders = {
        Source: lambda: Source(title="Agency report", kind=Source.Kind.REPORT),
        SourceBasis: lambda: SourceBasis(source=make_source(), basis=make_source()),
        Person: lambda: Person(name="Rustem Umerov"),
        PersonAlias: lambda: PersonAlias(person=make_person(), name="Umerov"),
        Role: lambda: Role(person=make_person(), title="Secretary"),
        RoleCitation: lambda: RoleCitation(role=make_role(), source=make_source()),
        Meeting: lambda: Meeting(title="Talks in Miami", kind=Meeting.Kind.NEGOTIATION_ROUND),
        Participant: lambda: Participant(meeting=make_meeting(), person=make_person()),
        MeetingCitation: lambda: MeetingCitation(meeting=make_meeting(), source=make_source()),
        Claim: lambda: Claim(text="The talks were productive."),
        ClaimSubject: lambda: ClaimSubject(claim=make_claim(), person=make_person()),
        Citation: lambda: Citation(claim=make_claim(), source=make_source()),
        Contradiction: lambda: Contradiction(
            claim_a=make_claim(), claim_b=make_claim(), kind=Contradiction.Kind.DATE
        ),
        Statement: lambda: Statement(
            claim=make_claim(),
            kind=Statement.Kind.MEETING_PLACE,
            meeting=make_meeting(),
            place="Miami",
        ),
        ContradictionSuggestion: lambda: ContradictionSuggestion(
            claim_a=make_claim(),
            claim_b=make_claim(),
            rule=ContradictionSuggestion.Rule.ROLE,
            explanation="Acts for two presidents on the same day.",
        ),
        SourcingSuggestion: lambda: SourcingSuggestion(
            claim=make_claim(),
            rule=SourcingSuggestion.Rule.ONE_UNNAMED_ORIGIN,
            explanation="Rests on one unnamed briefing.",
        ),
    }
    return builders[model]()


def assert_database_refuses(write, model, rule):
    """``write`` raises IntegrityError, and the database's message names ``rule``.

    ``rule`` is a ``Meta.constraints`` name or a field with ``unique=True``. PostgreSQL names
    every constraint; SQLite names check constraints and expression indexes, but gives
    ``table.column`` for a plain unique one.
    """
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        write()
    table = model._meta.db_table
    constraint = next((c for c in model._meta.constraints if c.name == rule), None)
    if constraint is None:
        column = model._meta.get_field(rule).column
        names = [f"{table}_{column}_key", f"UNIQUE constraint failed: {table}.{column}"]
    elif isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        columns = [model._meta.get_field(name).column for name in constraint.fields]
        sqlite_name = ", ".join(f"{table}.{column}" for column in columns)
        names = [rule, f"UNIQUE constraint failed: {sqlite_name}"]
    else:
        names = [rule]
    message = str(refusal.value)
    assert any(name in message for name in names), message


# -- Values outside the choices -------------------------------------------------------------

CHOICE_FIELDS = [
    (Source, "kind"),
    (Source, "language"),
    (Source, "reporting"),
    (PersonAlias, "kind"),
    (PersonAlias, "language"),
    (RoleCitation, "relation"),
    (RoleCitation, "language"),
    (RoleCitation, "attribution"),
    (Meeting, "kind"),
    (Meeting, "status"),
    (Meeting, "date_precision"),
    (Participant, "role"),
    (MeetingCitation, "relation"),
    (MeetingCitation, "language"),
    (MeetingCitation, "attribution"),
    (Claim, "status"),
    (Claim, "verdict"),
    (Claim, "language"),
    (Citation, "relation"),
    (Citation, "language"),
    (Citation, "attribution"),
    (Contradiction, "kind"),
    (Contradiction, "status"),
    (Statement, "kind"),
    (Statement, "status"),
    (ContradictionSuggestion, "rule"),
    (ContradictionSuggestion, "status"),
    (SourcingSuggestion, "rule"),
    (SourcingSuggestion, "status"),
]


def choices_rule(model, field):
    return f"{model._meta.app_label}_{model._meta.model_name}_{field}_valid"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field"), CHOICE_FIELDS, ids=[choices_rule(*pair) for pair in CHOICE_FIELDS]
)
def test_database_refuses_a_value_outside_the_choices(model, field):
    instance = unsaved(model)
    setattr(instance, field, "not-a-choice")

    assert_database_refuses(instance.save, model, choices_rule(model, field))


@pytest.mark.django_db
def test_full_clean_names_the_field_with_an_invalid_choice():
    source = Source(title="Agency report", slug="agency-report", kind="rumour")

    with pytest.raises(ValidationError) as invalid:
        source.full_clean()

    assert invalid.value.message_dict == {"kind": ["Value 'rumour' is not a valid choice."]}


@pytest.mark.django_db
def test_choices_constraint_lists_the_allowed_values():
    meeting = Meeting(title="Talks", slug="talks", kind="picnic")

    with pytest.raises(ValidationError) as invalid:
        meeting.validate_constraints()

    assert invalid.value.messages == [
        "kind must be one of: negotiation_round, bilateral_meeting, summit, call, "
        "announcement, press_conference, other."
    ]


# -- The same slug or the same link twice ---------------------------------------------------

SLUGGED_MODELS = [Source, Person, Meeting, Claim]


@pytest.mark.django_db
@pytest.mark.parametrize("model", SLUGGED_MODELS, ids=lambda model: model._meta.label)
def test_database_refuses_the_same_slug_twice(model):
    first = unsaved(model)
    first.save()
    second = unsaved(model)
    second.slug = first.slug

    assert_database_refuses(second.save, model, "slug")


@pytest.mark.django_db
@pytest.mark.parametrize("model", SLUGGED_MODELS, ids=lambda model: model._meta.label)
def test_a_blank_slug_is_filled_in_without_clashing(model):
    first, second = unsaved(model), unsaved(model)
    first.save()
    second.save()

    assert first.slug
    assert second.slug == f"{first.slug}-2"


LINK_CONSTRAINTS = [
    (SourceBasis, "sources_basis_unique"),
    (RoleCitation, "talks_rolecitation_unique"),
    (Participant, "talks_participant_unique"),
    (MeetingCitation, "talks_meetingcitation_unique"),
    (ClaimSubject, "talks_claimsubject_unique"),
    (Citation, "talks_citation_unique"),
]


def constraint_named(model, name):
    return next(c for c in model._meta.constraints if c.name == name)


def same_link_again(model, name):
    first = unsaved(model)
    first.save()
    fields = constraint_named(model, name).fields
    return model(**{field: getattr(first, field) for field in fields})


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "rule"), LINK_CONSTRAINTS, ids=[n for _, n in LINK_CONSTRAINTS])
def test_database_refuses_the_same_link_twice(model, rule):
    second = same_link_again(model, rule)

    assert_database_refuses(second.save, model, rule)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "rule"), LINK_CONSTRAINTS, ids=[n for _, n in LINK_CONSTRAINTS])
def test_full_clean_explains_the_same_link_twice(model, rule):
    second = same_link_again(model, rule)

    with pytest.raises(ValidationError) as invalid:
        second.full_clean()

    assert invalid.value.messages == [constraint_named(model, rule).violation_error_message]


# -- The other rules, one bad row each ------------------------------------------------------


def source_url_twice_in_other_spellings():
    make_source(url="https://example.org/a")
    return Source(
        title="The same page",
        kind=Source.Kind.REPORT,
        slug="same-page",
        url="https://Example.org/a/?utm_source=x",
    )


def source_resting_on_itself():
    source = make_source()
    return SourceBasis(source=source, basis=source)


def person_with_invalid_wikidata_id():
    return Person(name="Marco Rubio", slug="marco-rubio", wikidata_id="Rubio")


def alias_twice_in_other_case():
    person = make_person()
    PersonAlias.objects.create(person=person, name="Zelensky")
    return PersonAlias(person=person, name="ZELENSKY")


def role_ending_before_it_starts():
    return Role(person=make_person(), title="Envoy", start_date=DAY, end_date=DAY_BEFORE)


def role_twice_without_start_date():
    role = make_role(start_date=None)
    return Role(person=role.person, title=role.title, start_date=None)


def role_on_own_behalf():
    person = make_person()
    return Role(person=person, title="President", on_behalf_of=person)


def meeting_ending_before_it_starts():
    return Meeting(
        title="Summit",
        slug="summit",
        kind=Meeting.Kind.SUMMIT,
        start_date=DAY,
        end_date=DAY_BEFORE,
    )


def published_claim_without_verdict():
    return Claim(text="Talks were held.", slug="talks-held", status=Claim.Status.PUBLISHED)


def claim_contradicting_itself():
    claim = make_claim()
    return Contradiction(claim_a=claim, claim_b=claim, kind=Contradiction.Kind.DATE)


def pair_flagged_twice_in_reverse_order():
    first, second = make_claim(), make_claim()
    Contradiction.objects.create(claim_a=first, claim_b=second, kind=Contradiction.Kind.DATE)
    return Contradiction(claim_a=second, claim_b=first, kind=Contradiction.Kind.PLACE)


def prevailing_claim_outside_the_pair():
    return Contradiction(
        claim_a=make_claim(),
        claim_b=make_claim(),
        kind=Contradiction.Kind.DATE,
        prevailing_claim=make_claim(),
    )


def resolved_without_prevailing_claim():
    return Contradiction(
        claim_a=make_claim(),
        claim_b=make_claim(),
        kind=Contradiction.Kind.DATE,
        status=Contradiction.Status.RESOLVED,
    )


def statement(kind, **fields):
    return Statement(claim=make_claim(), kind=kind, **fields)


def acts_for_without_date():
    return statement(Statement.Kind.ACTS_FOR, person=make_person(), on_behalf_of=make_person())


def attendance_without_meeting():
    return statement(Statement.Kind.ABSENT, person=make_person())


def meeting_date_with_a_person():
    return statement(
        Statement.Kind.MEETING_DATE, meeting=make_meeting(), date=DAY, person=make_person()
    )


def meeting_place_left_blank():
    return statement(Statement.Kind.MEETING_PLACE, meeting=make_meeting())


def statement_acting_on_own_behalf():
    person = make_person()
    return statement(Statement.Kind.ACTS_FOR, person=person, on_behalf_of=person, date=DAY)


def statement_made_twice_by_a_claim():
    first = unsaved(Statement)
    first.save()
    return Statement(claim=first.claim, kind=first.kind, meeting=first.meeting, place="Miami")


def suggestion_of_a_claim_against_itself():
    claim = make_claim()
    return ContradictionSuggestion(
        claim_a=claim,
        claim_b=claim,
        rule=ContradictionSuggestion.Rule.NEAR_DUPLICATE,
        explanation="Identical texts.",
    )


def suggestion_twice_in_reverse_order():
    first = unsaved(ContradictionSuggestion)
    first.save()
    return ContradictionSuggestion(
        claim_a=first.claim_b, claim_b=first.claim_a, rule=first.rule, explanation="Again."
    )


def suggestion_dismissed_without_a_time():
    suggestion = unsaved(ContradictionSuggestion)
    suggestion.status = ContradictionSuggestion.Status.DISMISSED
    return suggestion


def sourcing_check_twice():
    first = unsaved(SourcingSuggestion)
    first.save()
    return SourcingSuggestion(claim=first.claim, rule=first.rule, explanation="Again.")


def sourcing_check_dismissed_without_a_time():
    suggestion = unsaved(SourcingSuggestion)
    suggestion.status = SourcingSuggestion.Status.DISMISSED
    return suggestion


class BadRow(NamedTuple):
    build: Callable[[], models.Model]  # makes what it needs, returns the bad row unsaved
    rule: str  # the constraint the database refuses it by
    field: str  # where full_clean() puts its message
    message: str


BAD_ROWS = [
    BadRow(source_url_twice_in_other_spellings, "sources_source_url_unique", "__all__",
           "A source with this URL already exists."),
    BadRow(source_resting_on_itself, "sources_basis_not_self", "__all__",
           "A source cannot rest on itself."),
    BadRow(person_with_invalid_wikidata_id, "talks_person_wikidata_id_valid", "wikidata_id",
           "A Wikidata ID looks like Q123456."),
    BadRow(alias_twice_in_other_case, "talks_personalias_unique", "__all__",
           "This person already has that name."),
    BadRow(role_ending_before_it_starts, "talks_role_end_date_after_start_date", "__all__",
           "The end date cannot be before the start date."),
    BadRow(role_twice_without_start_date, "talks_role_unique_start", "__all__",
           "This person already has this role from that date."),
    BadRow(role_on_own_behalf, "talks_role_not_on_own_behalf", "__all__",
           "A person does not act on their own behalf in a role."),
    BadRow(meeting_ending_before_it_starts, "talks_meeting_end_date_after_start_date",
           "__all__", "The end date cannot be before the start date."),
    BadRow(published_claim_without_verdict, "talks_claim_published_has_verdict", "__all__",
           "A published claim needs a verdict and a publication time."),
    BadRow(claim_contradicting_itself, "talks_contradiction_not_self", "__all__",
           "A claim cannot contradict itself."),
    BadRow(pair_flagged_twice_in_reverse_order, "talks_contradiction_unique_pair", "__all__",
           "These two claims are already flagged as contradicting."),
    BadRow(prevailing_claim_outside_the_pair, "talks_contradiction_prevailing_in_pair",
           "__all__", "The claim that holds must be one of the two claims."),
    BadRow(resolved_without_prevailing_claim, "talks_contradiction_resolved_names_prevailing",
           "__all__", "A resolved contradiction names the claim that holds."),
    BadRow(acts_for_without_date, "talks_statement_acts_for_shape", "__all__",
           "“Acts on behalf of” names the person, whom they act for and the day, "
           "and nothing else."),
    BadRow(attendance_without_meeting, "talks_statement_attendance_shape", "__all__",
           "Attendance names the person and the meeting, and nothing else."),
    BadRow(meeting_date_with_a_person, "talks_statement_meeting_date_shape", "__all__",
           "A meeting's date names the meeting and the day, and nothing else."),
    BadRow(meeting_place_left_blank, "talks_statement_meeting_place_shape", "__all__",
           "A meeting's place names the meeting and the place, and nothing else."),
    BadRow(statement_acting_on_own_behalf, "talks_statement_not_on_own_behalf", "__all__",
           "A person does not act on their own behalf."),
    BadRow(statement_made_twice_by_a_claim, "talks_statement_unique", "__all__",
           "The claim already makes this statement."),
    BadRow(suggestion_of_a_claim_against_itself, "talks_suggestion_not_self", "__all__",
           "A claim cannot contradict itself."),
    BadRow(suggestion_twice_in_reverse_order, "talks_suggestion_unique_pair_rule", "__all__",
           "This rule already suggested these two claims."),
    BadRow(suggestion_dismissed_without_a_time, "talks_suggestion_decided_when", "__all__",
           "A decided suggestion has a decision time; a pending one has none."),
    BadRow(sourcing_check_twice, "talks_sourcing_unique_claim_rule", "__all__",
           "This rule already suggested checking this claim."),
    BadRow(sourcing_check_dismissed_without_a_time, "talks_sourcing_decided_when", "__all__",
           "A dismissed suggestion has a decision time; a pending one has none."),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row", BAD_ROWS, ids=lambda bad_row: bad_row.rule)
def test_database_refuses_the_bad_row(bad_row):
    instance = bad_row.build()

    assert_database_refuses(instance.save, type(instance), bad_row.rule)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row", BAD_ROWS, ids=lambda bad_row: bad_row.rule)
def test_full_clean_explains_the_bad_row(bad_row):
    instance = bad_row.build()

    with pytest.raises(ValidationError) as invalid:
        instance.full_clean()

    assert invalid.value.message_dict == {bad_row.field: [bad_row.message]}


def test_every_database_rule_has_a_refusal_test():
    rules = {
        (model, constraint.name)
        for model in FIXTURE_MODELS
        for constraint in model._meta.constraints
    } | {
        (model, field.name)
        for model in FIXTURE_MODELS
        for field in model._meta.local_fields
        if field.unique and not field.primary_key
    }
    tested = (
        {(model, choices_rule(model, field)) for model, field in CHOICE_FIELDS}
        | {(model, "slug") for model in SLUGGED_MODELS}
        | set(LINK_CONSTRAINTS)
        | {(model_of(bad_row.rule), bad_row.rule) for bad_row in BAD_ROWS}
    )

    assert tested == rules


def model_of(rule):
    return next(
        model
        for model in FIXTURE_MODELS
        if any(constraint.name == rule for constraint in model._meta.constraints)
    )


# -- What the rules allow -------------------------------------------------------------------


@pytest.mark.django_db
def test_two_sources_without_url_are_allowed():
    make_source(url="")
    second = make_source(url="")

    second.full_clean()
    assert Source.objects.filter(url="").count() == 2


@pytest.mark.django_db
def test_a_person_may_hold_the_same_title_again_from_another_date():
    first = make_role(start_date=None)
    make_role(person=first.person, title=first.title, start_date=DAY_BEFORE, end_date=DAY)
    again = Role(person=first.person, title=first.title, start_date=DAY)

    again.full_clean()
    again.save()
    assert first.person.roles.count() == 3


@pytest.mark.django_db
def test_two_people_may_share_an_alias():
    PersonAlias.objects.create(person=make_person(), name="Andriy")
    other = PersonAlias(person=make_person(), name="Andriy")

    other.full_clean()
    other.save()
    assert PersonAlias.objects.filter(name="Andriy").count() == 2


@pytest.mark.django_db
def test_a_resolved_contradiction_names_one_of_its_claims():
    first, second = make_claim(), make_claim()
    contradiction = Contradiction(
        claim_a=first,
        claim_b=second,
        kind=Contradiction.Kind.ROLE,
        status=Contradiction.Status.RESOLVED,
        prevailing_claim=second,
    )

    contradiction.full_clean()
    contradiction.save()
    assert Contradiction.objects.between(second, first).get().prevailing_claim == second


@pytest.mark.django_db
def test_a_claim_may_go_without_verdict_until_published():
    claim = make_claim(status=Claim.Status.IN_REVIEW)

    claim.full_clean()
    assert Claim.objects.get(pk=claim.pk).verdict == ""


@pytest.mark.django_db
def test_publishing_a_claim_with_a_verdict_stamps_the_time():
    claim = make_claim(status=Claim.Status.PUBLISHED, verdict=Claim.Verdict.MISLEADING)

    assert claim.published_at is not None


@pytest.mark.django_db
def test_a_statement_without_a_person_is_found_by_its_natural_key():
    moscow = make_meeting(title="Moscow talks")
    dated = Statement.objects.create(
        claim=make_claim(), kind=Statement.Kind.MEETING_DATE, meeting=moscow, date=DAY
    )

    key = dated.natural_key()

    assert key == (dated.claim.slug, "meeting_date", None, None, "moscow-talks", "2025-11-30", "")
    assert Statement.objects.get_by_natural_key(*key) == dated


# -- URL normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://Example.org/a/?utm_source=x", "https://example.org/a"),
        ("HTTPS://EXAMPLE.ORG/Path/Case", "https://example.org/Path/Case"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:443/a", "https://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org/a#section-2", "https://example.org/a"),
        (
            "https://example.org/a?id=3&utm_medium=social&fbclid=abc&gclid=d&page=2",
            "https://example.org/a?id=3&page=2",
        ),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("", ""),
        (None, ""),
        # Not URLs Python can split: left as given, for the field's validator to judge.
        ("https://example.org:99999/a", "https://example.org:99999/a"),
        ("https://[::1/a", "https://[::1/a"),
    ],
)
def test_normalise_url(url, normalised):
    assert normalise_url(url) == normalised


@pytest.mark.django_db
def test_a_source_url_is_stored_normalised_on_a_plain_save():
    source = make_source(url="https://Example.org/a/?utm_source=newsletter#top")

    source.refresh_from_db()
    assert source.url == "https://example.org/a"


@pytest.mark.django_db
def test_full_clean_rejects_a_broken_url_instead_of_crashing():
    source = Source(title="Report", slug="report", kind=Source.Kind.REPORT, url="https://[::1/a")

    with pytest.raises(ValidationError) as invalid:
        source.full_clean()

    assert invalid.value.message_dict == {"url": ["Enter a valid URL."]}
