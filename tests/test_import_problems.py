"""A bad fixture gets a list of its problems, each with its place, and changes nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.models import Source
from talks.exchange import FIXTURE_MODELS, MAX_PROBLEMS, ImportFailed, import_fixtures
from talks.exchange.judge import ModelJudge
from talks.models import Claim, Contradiction, ImportRun, PersonAlias

from .conftest import make_claim, make_person, make_source
from .test_import import DESK, history_rows, object_rows, write_fixture

pytestmark = pytest.mark.django_db


def problems_of(tmp_path, objects):
    """The problems as printed, once it is clear the import wrote nothing."""
    path = write_fixture(tmp_path / "bad.json", objects)
    before = (object_rows(), history_rows(), ImportRun.objects.count())
    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])
    assert (object_rows(), history_rows(), ImportRun.objects.count()) == before
    prefix = f"{path}, "
    return [str(problem).removeprefix(prefix) for problem in failure.value.result.problems]


def source(**fields):
    return {"model": "sources.source", "fields": {"slug": "report", "kind": "report", **fields}}


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        (
            [{"model": "sources.source", "fields": {"slug": "report", "title": "Report"}}],
            "object #1 at line 2, sources.source, [\"report\"], field 'kind': "
            "required: a new object needs a value here",
        ),
        (
            [source(title="Report", kind="rumour")],
            "object #1 at line 2, sources.source, [\"report\"], field 'kind': "
            '"rumour" is not one of the choices: "anonymous_briefing", "interview", '
            '"news_article", "official_statement", "press_conference", "report", '
            '"social_post", "transcript", "video"',
        ),
        (
            [{"model": "talks.person", "fields": {"slug": "p", "name": "x" * 201}}],
            "object #1 at line 2, talks.person, [\"p\"], field 'name': "
            "Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            [{"model": "talks.person", "fields": {"slug": "p", "name": "P", "wikidata_id": "42"}}],
            "object #1 at line 2, talks.person, [\"p\"], field 'wikidata_id': "
            "A Wikidata ID looks like Q123456.",
        ),
        (
            [{"model": "talks.person", "fields": {"name": "Nameless"}}],
            "object #1 at line 2, talks.person, field 'slug': "
            "required: it is part of the natural key of talks.person",
        ),
        (
            [{"model": "talks.person", "fields": {"slug": "not a slug", "name": "P"}}],
            "object #1 at line 2, talks.person, field 'slug': Enter a valid “slug” consisting of "
            "letters, numbers, underscores or hyphens.",
        ),
        (
            [{"model": "talks.citation", "fields": {"claim": ["a", "b"], "source": ["s"]}}],
            "object #1 at line 2, talks.citation, field 'claim': "
            "not a valid natural key of talks.claim: "
            'expected 1 value(s), got ["a", "b"]',
        ),
        (
            [{"model": "talks.person", "fields": {"slug": "p", "name": "P", "id": 7}}],
            "object #1 at line 2, talks.person, [\"p\"], field 'id': this field cannot be imported",
        ),
        ([["talks.person"]], 'object #1 at line 2: expected {"model": ..., "fields": {...}}'),
    ],
    ids=[
        "missing-required",
        "invalid-choice",
        "too-long",
        "validator",
        "missing-key",
        "invalid-slug",
        "key-of-wrong-length",
        "primary-key",
        "not-an-object",
    ],
)
def test_each_problem_names_the_object_and_the_field(tmp_path, objects, expected):
    assert problems_of(tmp_path, objects) == [expected]


def test_a_file_that_is_not_a_list_or_not_utf8_is_refused(tmp_path):
    listless = write_fixture(tmp_path / "object.json", {"model": "talks.person"})
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(
        '[{"model": "talks.person", "fields": {"name": "Zelens\'kyj é"}}]'.encode("latin-1")
    )

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([listless, latin1])

    assert [str(problem) for problem in failure.value.result.problems] == [
        f"{listless}: a fixture is a JSON list of objects",
        f"{latin1}: the file is not UTF-8 text",
    ]


CONTRADICTION = {"claim_a": ["a"], "claim_b": ["b"], "kind": "event"}


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        (
            [{"model": "talks.contradiction", "fields": {**CONTRADICTION, "claim_b": ["a"]}}],
            'object #1 at line 2, talks.contradiction, ["a", "a"]: '
            "A claim cannot contradict itself.",
        ),
        (
            [
                {
                    "model": "talks.contradiction",
                    "fields": {**CONTRADICTION, "prevailing_claim": ["c"]},
                }
            ],
            'object #1 at line 2, talks.contradiction, ["a", "b"]: '
            "The claim that holds must be one of the two claims.",
        ),
        (
            [{"model": "talks.contradiction", "fields": {**CONTRADICTION, "status": "resolved"}}],
            'object #1 at line 2, talks.contradiction, ["a", "b"]: '
            "A resolved contradiction names the claim that holds.",
        ),
        (
            [
                {"model": "talks.contradiction", "fields": CONTRADICTION},
                {
                    "model": "talks.contradiction",
                    "fields": {**CONTRADICTION, "claim_a": ["b"], "claim_b": ["a"]},
                },
            ],
            'object #2 at line 14, talks.contradiction, ["b", "a"]: '
            "These two claims are already flagged as contradicting. (so does object #1 at line 2)",
        ),
        (
            [{"model": "talks.claim", "fields": {"slug": "c", "text": "T", "status": "published"}}],
            'object #1 at line 2, talks.claim, ["c"]: '
            "A published claim needs a verdict and a publication time.",
        ),
        (
            [
                {
                    "model": "talks.role",
                    "fields": {"person": ["p"], "title": "Envoy", "on_behalf_of": ["p"]},
                }
            ],
            'object #1 at line 2, talks.role, ["p", "Envoy", null]: '
            "A person does not act on their own behalf in a role.",
        ),
        (
            [{"model": "sources.sourcebasis", "fields": {"source": ["s"], "basis": ["s"]}}],
            'object #1 at line 2, sources.sourcebasis, ["s", "s"]: A source cannot rest on itself.',
        ),
        (
            [
                source(slug="one", title="One", url="https://example.org/a"),
                source(slug="two", title="Two", url="https://EXAMPLE.org/a/?utm_source=x"),
            ],
            "object #2 at line 11, sources.source, [\"two\"], field 'url': "
            "A source with this URL already exists. (so does object #1 at line 2)",
        ),
    ],
    ids=[
        "contradicts-itself",
        "holds-outside-the-pair",
        "resolved-without-decision",
        "same-pair-reversed",
        "published-without-verdict",
        "on-own-behalf",
        "rests-on-itself",
        "same-url-in-the-file",
    ],
)
def test_database_rules_are_checked_before_anything_is_written(tmp_path, objects, expected):
    for slug in "abc":
        make_claim(slug=slug)
    make_person(slug="p")
    make_source(slug="s")

    assert problems_of(tmp_path, objects) == [expected]


def test_rules_are_checked_against_rows_already_in_the_database(tmp_path):
    make_source(slug="agency", url="https://agency.example.org/miami")
    witkoff = make_person(slug="steve-witkoff")
    PersonAlias.objects.create(person=witkoff, name="Witkoff")
    first, second = make_claim(slug="first"), make_claim(slug="second")
    Contradiction.objects.create(claim_a=first, claim_b=second, kind="event")

    problems = problems_of(
        tmp_path,
        [
            source(url="https://agency.example.org/miami/", title="Copy"),
            {
                "model": "talks.personalias",
                "fields": {"person": ["steve-witkoff"], "name": "WITKOFF"},
            },
            {
                "model": "talks.contradiction",
                "fields": {"claim_a": ["second"], "claim_b": ["first"], "kind": "date"},
            },
        ],
    )

    assert problems == [
        "object #1 at line 2, sources.source, [\"report\"], field 'url': "
        "A source with this URL already exists.",
        'object #2 at line 11, talks.personalias, ["steve-witkoff", "WITKOFF"]: '
        "This person already has that name.",
        'object #3 at line 20, talks.contradiction, ["second", "first"]: '
        "These two claims are already flagged as contradicting.",
    ]


def test_a_changed_object_may_take_a_value_another_object_gives_up(tmp_path):
    make_source(slug="old", url="https://example.org/a")
    make_source(slug="new")
    swap = [
        source(slug="old", url="https://example.org/b"),
        source(slug="new", url="https://example.org/a"),
    ]

    import_fixtures([write_fixture(tmp_path / "swap.json", swap)])

    assert Source.objects.get(slug="new").url == "https://example.org/a"


def test_problems_beyond_the_cap_are_counted_not_listed(tmp_path):
    people = [
        {"model": "talks.person", "fields": {"slug": f"p{n}", "name": n}}
        for n in range(MAX_PROBLEMS + 50)
    ]
    path = write_fixture(tmp_path / "people.json", people)
    err = io.StringIO()

    with pytest.raises(CommandError, match=f"{MAX_PROBLEMS + 50} problem"):
        call_command("import_fixtures", str(path), stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == "... and 50 more problem(s)"


def test_the_database_still_refuses_what_a_check_missed(tmp_path, monkeypatch):
    """The database holds every rule itself; an import it refuses is reported, not raised."""
    monkeypatch.setattr(ModelJudge, "broken_checks", lambda rules, row: [])
    role = {"person": ["p"], "title": "Envoy", "start_date": "2025-02-01", "end_date": "2025-01-01"}
    make_person(slug="p")
    path = write_fixture(tmp_path / "role.json", [{"model": "talks.role", "fields": role}])

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])

    (problem,) = failure.value.result.problems
    assert problem.file == "role.json"
    assert problem.message.startswith(
        "the database refused it: The end date cannot be before the start date. ("
    )
    assert not ImportRun.objects.exists()
    assert history_rows() == 1  # the person made above


# --- Malformed input: problems, never a traceback, never half a file ---------------------------

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "a\ud800b", "2025-13-40", "2025-12-01T25:00", "Q1", "✓" * 300]),
    st.lists(st.text(max_size=5), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
FIELD_NAMES = sorted({name for entry in DESK for name in entry["fields"]} | {"nickname", "id"})


@st.composite
def malformed_fixtures(draw):
    """The desk's fixture with one to four things broken in it, as text."""
    objects = json.loads(json.dumps(DESK))
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(objects) - 1))
        entry = objects[index]
        change = draw(st.sampled_from(["value", "drop", "model", "object", "duplicate"]))
        if change == "value" and isinstance(entry, dict):
            entry.setdefault("fields", {})[draw(st.sampled_from(FIELD_NAMES))] = draw(ODD_VALUES)
        elif change == "drop" and isinstance(entry, dict) and entry.get("fields"):
            entry["fields"].pop(draw(st.sampled_from(sorted(entry["fields"]))))
        elif change == "model" and isinstance(entry, dict):
            entry["model"] = draw(st.one_of(ODD_VALUES, st.sampled_from(["talks.claim"])))
        elif change == "object":
            objects[index] = draw(ODD_VALUES)
        else:
            objects.append(json.loads(json.dumps(entry)))
    text = json.dumps(objects, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:  # now and then, broken JSON
        text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=malformed_fixtures())
def test_malformed_fixtures_get_problems_and_leave_no_trace(tmp_path, text):
    path = tmp_path / "malformed.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with transaction.atomic():  # each example starts from the same database
        before = (object_rows(), history_rows(), ImportRun.objects.count())
        try:
            import_fixtures([path])
        except ImportFailed as failure:
            problems = failure.result.problems
            assert problems
            assert all(str(problem).startswith(str(path)) for problem in problems)
            assert (object_rows(), history_rows(), ImportRun.objects.count()) == before
        transaction.set_rollback(True)


def test_the_importer_knows_every_rule_of_every_fixture_model():
    """Each constraint compiles to a Python check; a new kind of rule must be taught first."""
    judges = [ModelJudge(model) for model in FIXTURE_MODELS]

    for rules in judges:
        for constraint in rules.model._meta.constraints:
            compiled = [c for c in rules.checks if c[1] == constraint.violation_error_message]
            uniques = [u for u in rules.uniques if u.constraint is constraint]
            natural = getattr(constraint, "fields", None) and set(constraint.fields) == set(
                rules.model.natural_key_fields
            )
            assert compiled or uniques or natural or rules.restates_choices(constraint), (
                f"{rules.label}: {constraint.name}"
            )
    assert Claim in {rules.model for rules in judges if rules.cleans}


def test_a_long_value_is_cut_in_its_problem(tmp_path):
    long = "x" * 5000

    problems = problems_of(
        tmp_path,
        [
            source(title="Report", published_on=long),
            {"model": "talks.citation", "fields": {"claim": [long], "source": ["report"]}},
        ],
    )

    assert all(len(problem) < 400 for problem in problems), problems
    assert f"“{'x' * 79}… (5,000 characters)” value has an invalid date format" in problems[0]
    assert f'refers to talks.claim ["{"x" * 77}… (5,004 characters), which' in problems[1]
