"""Fixture import: history for every change, none for no change, and all or nothing."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sources.models import Source
from talks.exchange import FIXTURE_MODELS, ImportFailed, import_fixtures
from talks.management.commands.import_fixtures import Command as ImportCommand
from talks.models import Citation, Claim, ImportRun, Person, PersonAlias, Role

from .conftest import make_person

DESK = [
    {
        "model": "sources.source",
        "fields": {
            "slug": "agency-report",
            "kind": "report",
            "title": "Agency report on the Miami talks",
            "url": "https://Agency.example.org/miami/?utm_source=feed",
            "published_on": "2025-11-30",
        },
    },
    {"model": "talks.person", "fields": {"slug": "steve-witkoff", "name": "Steve Witkoff"}},
    {
        "model": "talks.personalias",
        "fields": {"person": ["steve-witkoff"], "name": "Witkoff", "kind": "short"},
    },
    {
        "model": "talks.role",
        "fields": {"person": ["steve-witkoff"], "title": "Special Envoy", "start_date": None},
    },
    {
        "model": "talks.claim",
        "fields": {
            "slug": "talks-were-productive",
            "text": "The talks in Miami were productive.",
            "claimant": ["steve-witkoff"],
            "status": "published",
            "verdict": "unverifiable",
        },
    },
    {
        "model": "talks.citation",
        "fields": {
            "claim": ["talks-were-productive"],
            "source": ["agency-report"],
            "quote": "“Productive,” he said.",
        },
    },
]
DESK_MODELS = [Source, Person, PersonAlias, Role, Claim, Citation]


def write_fixture(path, objects):
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def object_rows():
    return sum(model.objects.count() for model in FIXTURE_MODELS)


def history_rows():
    return sum(model.history.count() for model in FIXTURE_MODELS)


def changed_fields(entries, index, **fields):
    changed = json.loads(json.dumps(entries))
    changed[index]["fields"].update(fields)
    return changed


@pytest.mark.django_db
def test_import_creates_each_object_with_one_history_row_naming_the_file(tmp_path):
    path = write_fixture(tmp_path / "desk.json", DESK)

    result = import_fixtures([path], reason="first load")

    claim = Claim.objects.get_by_natural_key("talks-were-productive")
    assert claim.claimant.name == "Steve Witkoff"
    assert claim.citations.get().source.url == "https://agency.example.org/miami"
    assert Role.objects.get().start_date is None
    for model in DESK_MODELS:
        (instance,) = model.objects.all()
        (row,) = instance.history.all()
        assert row.history_type == "+"
        assert row.history_change_reason == f"Import run #{result.run.pk}: first load"
    assert list(result.summary_lines()) == [
        f"{model._meta.label_lower}: 1 created, 0 updated, 0 unchanged"
        for model in sorted(DESK_MODELS, key=lambda model: model._meta.label_lower)
    ]


@pytest.mark.django_db
def test_importing_the_same_file_again_writes_no_history(tmp_path):
    path = write_fixture(tmp_path / "desk.json", DESK)
    import_fixtures([path])
    rows = history_rows()

    result = import_fixtures([path])

    assert history_rows() == rows
    assert {label: dict(counts) for label, counts in result.counts.items()} == {
        model._meta.label_lower: {"unchanged": 1} for model in DESK_MODELS
    }


@pytest.mark.django_db
def test_a_changed_field_writes_one_change_row(tmp_path):
    import_fixtures([write_fixture(tmp_path / "desk.json", DESK)])
    changed = changed_fields(DESK, 1, description="United States special envoy")
    rows = history_rows()

    result = import_fixtures([write_fixture(tmp_path / "desk-2.json", changed)])

    person = Person.objects.get_by_natural_key("steve-witkoff")
    assert person.description == "United States special envoy"
    assert [row.history_type for row in person.history.all()] == ["~", "+"]
    assert person.history.first().history_change_reason == f"Import run #{result.run.pk}"
    assert history_rows() == rows + 1
    assert dict(result.counts["talks.person"]) == {"updated": 1}


@pytest.mark.django_db
def test_importing_a_dump_of_the_database_changes_nothing(tmp_path):
    """Times finer than the dump's milliseconds once made every object look changed."""
    import_fixtures([write_fixture(tmp_path / "desk.json", DESK)])
    dump = tmp_path / "dump.json"
    labels = [model._meta.label_lower for model in FIXTURE_MODELS]
    call_command("dumpdata", *labels, natural_foreign=True, natural_primary=True, output=dump)
    rows = history_rows()

    result = import_fixtures([dump])

    assert history_rows() == rows
    assert sum(counts["unchanged"] for counts in result.counts.values()) == len(DESK)


@pytest.mark.django_db
def test_a_claim_may_come_before_its_claimant_in_the_file(tmp_path):
    claim_first = [DESK[4], DESK[1]]

    import_fixtures([write_fixture(tmp_path / "desk.json", claim_first)])

    claim = Claim.objects.get_by_natural_key("talks-were-productive")
    assert claim.claimant == Person.objects.get_by_natural_key("steve-witkoff")


BROKEN_DESK = [
    {"model": "talks.nosuchthing", "fields": {"name": "?"}},
    {"model": "talks.person", "fields": {"slug": "marco-rubio", "name": "Marco Rubio"}},
    {"model": "talks.person", "fields": {"slug": "number", "name": 42}},
    {"model": "talks.person", "fields": {"slug": "nick", "name": "Nick", "nickname": "N"}},
    {
        "model": "talks.meeting",
        "fields": {"slug": "talks", "title": "Talks", "kind": "call", "start_date": "2025-13-40"},
    },
    {"model": "talks.claim", "fields": {"slug": "c", "text": "…", "claimant": ["nobody"]}},
    {"model": "talks.person", "fields": {"slug": "marco-rubio", "name": "Marco Rubio again"}},
    {
        "model": "talks.role",
        "fields": {
            "person": ["marco-rubio"],
            "title": "Secretary of State",
            "start_date": "2025-01-21",
            "end_date": "2025-01-20",
        },
    },
    {"model": "talks.person", "fields": {"slug": "already-here", "name": "Renamed"}},
]


@pytest.mark.django_db
def test_a_file_with_several_problems_lists_each_and_writes_nothing(tmp_path):
    make_person(name="Already here")
    path = write_fixture(tmp_path / "broken.json", BROKEN_DESK)
    objects, rows = object_rows(), history_rows()

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])

    problems = failure.value.result.problems
    assert [(problem.number, problem.line, problem.field) for problem in problems] == [
        (1, 2, ""),
        (3, 15, "name"),
        (4, 22, "nickname"),
        (5, 30, "start_date"),
        (6, 39, "claimant"),
        (7, 49, ""),
        (8, 56, ""),
    ]
    messages = [str(problem) for problem in problems]
    assert all(message.startswith(str(path)) for message in messages)
    assert messages[0].endswith("object #1 at line 2: unknown model 'talks.nosuchthing'")
    assert messages[1].endswith(
        "object #3 at line 15, talks.person, [\"number\"], field 'name': expected text, got 42"
    )
    assert "field 'nickname': Person has no field 'nickname'" in messages[2]
    assert "field 'start_date'" in messages[3] and "invalid date" in messages[3]
    assert messages[4].endswith(
        "object #6 at line 39, talks.claim, [\"c\"], field 'claimant': refers to talks.person "
        '["nobody"], which is neither in the file nor in the database'
    )
    assert messages[5].endswith(f"the same natural key is already at {path} object #2 at line 8")
    assert messages[6].endswith("The end date cannot be before the start date.")
    assert (object_rows(), history_rows()) == (objects, rows)
    assert Person.objects.get().name == "Already here"


@pytest.mark.django_db
def test_broken_json_is_reported_with_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"model": "talks.person",\n   "fields": {"slug": "a",}}\n]\n')

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])

    assert [str(problem) for problem in failure.value.result.problems] == [
        f"{path}: broken JSON at line 3, column 27: "
        "Expecting property name enclosed in double quotes"
    ]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"published_on": 20251130},
            "[\"report\"], field 'published_on': not a valid value here: 20251130",
        ),
        (
            {"created_at": [2025]},
            "[\"report\"], field 'created_at': not a valid value here: [2025]",
        ),
        ({"url": "https://[::1/a"}, "[\"report\"], field 'url': Enter a valid URL."),
        (
            {"notes": "a\u0000b"},
            "[\"report\"], field 'notes': text cannot contain NUL (0x00) characters",
        ),
        ({"slug": "a\u0000b"}, "field 'slug': text cannot contain NUL (0x00) characters"),
    ],
    ids=["date-as-number", "time-as-list", "broken-url", "nul-in-text", "nul-in-key"],
)
@pytest.mark.django_db
def test_values_of_the_wrong_kind_are_reported_not_raised(tmp_path, fields, problem):
    source = {"slug": "report", "kind": "report", "title": "Report", **fields}
    path = write_fixture(tmp_path / "odd.json", [{"model": "sources.source", "fields": source}])

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])

    assert [str(p) for p in failure.value.result.problems] == [
        f"{path}, object #1 at line 2, sources.source, {problem}"
    ]
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_prints_the_summary(tmp_path):
    path = write_fixture(tmp_path / "desk.json", DESK)
    out = io.StringIO()

    call_command("import_fixtures", str(path), "--dry-run", stdout=out)

    assert (object_rows(), history_rows()) == (0, 0)
    printed = out.getvalue().splitlines()
    assert "talks.claim: 1 created, 0 updated, 0 unchanged" in printed
    assert printed[-1] == f"Checked (dry run, nothing written): {path}"


@pytest.mark.django_db
def test_command_reports_bad_input_without_traceback(tmp_path, capsys, monkeypatch):
    path = write_fixture(tmp_path / "broken.json", BROKEN_DESK)
    # run_from_argv closes every connection when it ends; the test database must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exit:
        ImportCommand().run_from_argv(["manage.py", "import_fixtures", str(path)])

    assert exit.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (
        f"{path}, object #3 at line 15, talks.person, [\"number\"], field 'name': "
        "expected text, got 42" in err
    )
    assert err.splitlines()[-1] == "CommandError: 7 problem(s); nothing was imported."
    assert object_rows() == 0


@pytest.mark.django_db
def test_command_refuses_a_missing_file(tmp_path):
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_fixtures", str(tmp_path / "absent.json"), stderr=err)

    assert "cannot read the file: No such file or directory" in err.getvalue()


@pytest.mark.django_db
def test_command_records_the_user_and_reason(tmp_path, editor):
    path = write_fixture(tmp_path / "desk.json", DESK)

    call_command(
        "import_fixtures",
        str(path),
        "--user",
        editor.username,
        "--reason",
        "first load",
        stdout=io.StringIO(),
    )

    rows = [row for model in DESK_MODELS for row in model.history.all()]
    assert len(rows) == len(DESK)
    assert {row.history_user for row in rows} == {editor}
    assert all(row.history_change_reason.endswith(": first load") for row in rows)


@pytest.mark.django_db
def test_command_refuses_an_unknown_user(tmp_path):
    path = write_fixture(tmp_path / "desk.json", DESK)

    with pytest.raises(CommandError, match="No user named 'nobody'."):
        call_command("import_fixtures", str(path), "--user", "nobody")

    assert object_rows() == 0


@pytest.mark.django_db
def test_import_records_a_run_that_its_history_rows_name(tmp_path, editor):
    path = write_fixture(tmp_path / "desk.json", DESK)

    result = import_fixtures([path], user=editor, reason="first load")

    run = ImportRun.objects.get()
    assert result.run == run
    assert (run.user, run.reason, run.channel) == (editor, "first load", "command")
    assert run.files == [
        {"name": "desk.json", "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "objects": 6}
    ]
    assert run.counts["talks.claim"] == {"created": 1}
    assert (run.created, run.updated, run.unchanged) == (6, 0, 0)
    assert run.finished_at >= run.started_at
    for model in DESK_MODELS:
        (row,) = model.history.all()
        assert row.history_change_reason == f"Import run #{run.pk}: first load"
        assert row.history_user == editor


@pytest.mark.django_db
def test_failed_and_dry_runs_leave_no_run_behind(tmp_path):
    broken = write_fixture(tmp_path / "broken.json", BROKEN_DESK)
    with pytest.raises(ImportFailed):
        import_fixtures([broken])

    import_fixtures([write_fixture(tmp_path / "desk.json", DESK)], dry_run=True)

    assert not ImportRun.objects.exists()
    assert not ImportRun.history.exists()


@pytest.mark.django_db
def test_timestamps_the_file_carries_are_kept(tmp_path):
    person = {
        "slug": "rustem-umerov",
        "name": "Rustem Umerov",
        "created_at": "2025-11-30T09:15:00.250Z",
        "updated_at": "2025-12-01T10:00:00Z",
    }
    path = write_fixture(tmp_path / "p.json", [{"model": "talks.person", "fields": person}])

    import_fixtures([path])

    umerov = Person.objects.get()
    assert umerov.created_at == datetime.datetime(
        2025, 11, 30, 9, 15, 0, 250000, tzinfo=datetime.UTC
    )
    assert umerov.updated_at == datetime.datetime(2025, 12, 1, 10, 0, tzinfo=datetime.UTC)
    assert umerov.history.get().created_at == umerov.created_at


@pytest.mark.django_db
def test_a_change_without_a_time_in_the_file_stamps_updated_at(tmp_path):
    import_fixtures([write_fixture(tmp_path / "desk.json", DESK)])
    before = Person.objects.get().updated_at

    import_fixtures(
        [write_fixture(tmp_path / "2.json", changed_fields(DESK, 1, name="S. Witkoff"))]
    )

    witkoff = Person.objects.get()
    assert witkoff.updated_at > before
    assert witkoff.created_at < witkoff.updated_at


@pytest.mark.django_db
def test_an_imported_change_shows_as_a_diff_in_the_history(tmp_path):
    import_fixtures([write_fixture(tmp_path / "desk.json", DESK)])
    changed = changed_fields(DESK, 4, status="in_review", text="The Miami talks were useful.")

    import_fixtures([write_fixture(tmp_path / "desk-2.json", changed)], reason="Reworded")

    claim = Claim.objects.get()
    new, old = claim.history.all()[:2]
    delta = new.diff_against(old)
    assert {change.field: (change.old, change.new) for change in delta.changes} == {
        "status": ("published", "in_review"),
        "text": ("The talks in Miami were productive.", "The Miami talks were useful."),
    }
    assert new.updated_at > old.updated_at
    assert claim.published_at == old.published_at, "the first publication time is kept"


@pytest.mark.django_db
def test_a_published_claim_without_a_time_gets_one_and_keeps_it(tmp_path):
    path = write_fixture(tmp_path / "desk.json", DESK)
    import_fixtures([path])
    published_at = Claim.objects.get().published_at

    result = import_fixtures([path])

    assert published_at is not None
    assert Claim.objects.get().published_at == published_at
    assert dict(result.counts["talks.claim"]) == {"unchanged": 1}


@pytest.mark.django_db
def test_references_may_point_across_files_in_either_direction(tmp_path):
    claims = write_fixture(tmp_path / "claims.json", [DESK[4], DESK[5]])
    rest = write_fixture(tmp_path / "rest.json", DESK[:4])

    result = import_fixtures([claims, rest])

    assert Citation.objects.get().claim.claimant.slug == "steve-witkoff"
    assert [file["name"] for file in result.run.files] == ["claims.json", "rest.json"]


@pytest.mark.django_db
def test_fields_the_file_leaves_out_keep_their_values(tmp_path):
    make_person(name="Steve Witkoff", slug="steve-witkoff", description="US special envoy")
    path = write_fixture(
        tmp_path / "p.json", [{"model": "talks.person", "fields": {"slug": "steve-witkoff"}}]
    )

    result = import_fixtures([path])

    assert Person.objects.get().description == "US special envoy"
    assert dict(result.counts["talks.person"]) == {"unchanged": 1}


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_on_a_terminal_the_command_shows_its_progress_then_the_summary(tmp_path):
    path = write_fixture(tmp_path / "desk.json", DESK)
    terminal, pipe = Terminal(), io.StringIO()

    call_command("import_fixtures", str(path), stdout=terminal)
    call_command("import_fixtures", str(path), stdout=pipe)

    shown = terminal.getvalue()
    assert "\rchecked 6 of 6 objects\x1b[K" in shown
    assert "\rwritten 6 of 6 objects\x1b[K" in shown
    assert shown.splitlines()[-1] == f"Imported: {path}"
    assert "\r" not in pipe.getvalue()
    assert "6 objects in " in pipe.getvalue()
