"""The import asks the rulebook of every record, from the row as the desk holds it to the row
the file gives, as the admin's forms do; readers see the editor's reason, nothing internal."""

import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from talks.exchange import ImportFailed, import_fixtures
from talks.models import Claim, ImportRun

from .test_import import DESK, changed_fields, history_rows, write_fixture
from .test_roles import user_in

pytestmark = pytest.mark.django_db

CLAIM = 4  # the published claim's place in DESK


@pytest.fixture
def desk(tmp_path):
    """DESK on the desk, its claim published."""
    import_fixtures([write_fixture(tmp_path / "desk.json", DESK)])
    return Claim.objects.get()


def refusals(tmp_path, objects, name="change.json", **options):
    """The problems an import of ``objects`` finds, once it is clear it wrote nothing."""
    path = write_fixture(tmp_path / name, objects)
    rows = history_rows()
    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path], **options)
    assert history_rows() == rows
    return [str(problem).removeprefix(f"{path}, ") for problem in failure.value.result.problems]


def test_an_editor_cannot_import_a_published_claim_back_to_draft(desk, tmp_path, django_user_model):
    draft = changed_fields(DESK, CLAIM, status="draft")

    problems = refusals(
        tmp_path, draft, user=user_in(django_user_model, "Editor"), reason="Back to the desk"
    )

    assert problems == [
        'object #5 at line 39, talks.claim, ["talks-were-productive"]: '
        "Only a chief editor can publish or retract a claim."
    ]
    assert Claim.objects.get().status == "published"


def test_an_editor_edits_a_published_claim_in_a_file_as_on_its_form(
    desk, tmp_path, django_user_model
):
    """An edit of a published claim is an editor's, whether typed or imported; the file
    also holds the claim, published, where the desk has it published already."""
    reworded = changed_fields(DESK, CLAIM, verdict_rationale="Only the envoy said so.")
    editor = user_in(django_user_model, "Editor")

    import_fixtures([write_fixture(tmp_path / "r.json", reworded)], user=editor, reason="Why")

    assert Claim.objects.get().verdict_rationale == "Only the envoy said so."


def test_a_verdict_change_of_a_published_claim_without_a_reason_is_refused_naming_the_claim(
    desk, tmp_path
):
    corrected = changed_fields(DESK, CLAIM, verdict="false")

    problems = refusals(tmp_path, corrected)

    assert len(problems) == 1
    assert problems[0].startswith('object #5 at line 39, talks.claim, ["talks-were-productive"]: ')
    assert "is published: say why its text, verdict or status changes" in problems[0]
    assert '--reason, or the upload\'s reason), or this object its own: "reason"' in problems[0]
    assert Claim.objects.get().verdict == "unverifiable"


def test_readers_see_the_editor_s_reason_and_nothing_of_the_file(desk, tmp_path, client):
    corrected = changed_fields(DESK, CLAIM, verdict="false")
    name = "internal-2025-12-CONFIDENTIAL.json"
    write_fixture(tmp_path / name, corrected)

    call_command(
        "import_fixtures",
        str(tmp_path / name),
        reason="The envoy later said the talks achieved nothing.",
        stdout=io.StringIO(),
    )

    cache.clear()
    run = ImportRun.objects.get(files__0__name=name)
    page = client.get(desk.get_absolute_url()).content.decode()
    feed = client.get("/feed/").content.decode()
    for shown in (page, feed):
        assert "The envoy later said the talks achieved nothing." in shown
        assert "CONFIDENTIAL" not in shown
        assert run.files[0]["sha256"][:12] not in shown
        assert "Import run" not in shown and "import run" not in shown
    record = desk.history.first()
    assert record.history_change_reason == (
        f"Import run #{run.pk}: The envoy later said the talks achieved nothing."
    )


def test_each_object_may_give_its_own_reason(desk, tmp_path):
    corrected = changed_fields(DESK, CLAIM, text="The talks in Miami were not productive.")
    corrected[CLAIM]["reason"] = "The quote was misheard."
    corrected = changed_fields(corrected, 1, description="US special envoy")

    result = import_fixtures([write_fixture(tmp_path / "c.json", corrected)], reason="Weekly")

    (correction,) = Claim.history.corrections()
    assert correction.reason == "The quote was misheard."
    person = DESK[1]["fields"]["slug"]
    record = Claim.objects.get().claimant.history.first()
    assert record.instance.slug == person
    assert record.history_change_reason == f"Import run #{result.run.pk}: Weekly"


def test_a_reason_that_is_not_text_is_a_problem_of_its_object(desk, tmp_path):
    corrected = changed_fields(DESK, CLAIM, verdict="false")
    corrected[CLAIM]["reason"] = {"why": "no"}

    problems = refusals(tmp_path, corrected)

    assert problems[0] == (
        "object #5 at line 39, talks.claim, [\"talks-were-productive\"], field 'reason': "
        'a reason is text, not {"why": "no"}'
    )


def test_a_change_keeps_the_creation_time_and_is_stamped_now_when_the_file_back_dates_it(
    desk, tmp_path
):
    long_ago = "2020-01-01T00:00:00Z"
    changed = changed_fields(
        DESK, 1, description="US special envoy", created_at=long_ago, updated_at=long_ago
    )
    person = desk.claimant
    before = timezone.now()

    import_fixtures([write_fixture(tmp_path / "old.json", changed)])

    person.refresh_from_db()
    assert person.description == "US special envoy"
    assert person.created_at > datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    assert person.updated_at >= before.replace(microsecond=0)


def test_times_alone_are_no_change(desk, tmp_path):
    later = "2030-01-01T00:00:00Z"
    retimed = [
        {**entry, "fields": {**entry["fields"], "created_at": later, "updated_at": later}}
        for entry in DESK
    ]
    rows = history_rows()

    result = import_fixtures([write_fixture(tmp_path / "times.json", retimed)])

    assert result.run is None
    assert result.totals()["unchanged"] == len(DESK)
    assert history_rows() == rows


def test_a_publication_time_cannot_be_moved_back(desk, tmp_path):
    back_dated = changed_fields(DESK, CLAIM, published_at="2020-01-01T00:00:00Z")

    problems = refusals(tmp_path, back_dated, reason="Older")

    assert problems == [
        "object #5 at line 39, talks.claim, [\"talks-were-productive\"], field 'published_at': "
        f"cannot move back to 2020-01-01T00:00:00+00:00: the desk recorded "
        f"{desk.published_at.isoformat()}"
    ]


def test_the_line_of_each_object_is_where_it_starts(tmp_path):
    """A file written on one line, or by hand with objects side by side."""
    text = json.dumps(DESK[:2]) + "\n"
    text = text.replace("}}, {", "}},\n\n{")
    path = tmp_path / "hand.json"
    path.write_text(text.replace('"Steve Witkoff"', "42"), encoding="utf-8")

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])

    (problem,) = failure.value.result.problems
    assert (problem.number, problem.line, problem.field) == (2, 3, "name")


def test_the_admin_s_dry_run_already_asks_for_the_reason(desk, editor_client, settings, tmp_path):
    settings.FIXTURE_UPLOAD_DIR = tmp_path / "uploads"
    content = json.dumps(changed_fields(DESK, CLAIM, verdict="false")).encode()
    add = reverse("admin:talks_importrun_add")

    silent = editor_client.post(add, {"fixture": SimpleUploadedFile("c.json", content)})
    given = editor_client.post(
        add, {"fixture": SimpleUploadedFile("c.json", content), "reason": "Refuted"}
    )

    assert "is published: say why its text, verdict or status changes" in (silent.content.decode())
    assert "confirm" not in silent.context
    assert "Dry run of c.json: nothing written yet" in given.content.decode()


CONTRADICTION = {
    "model": "talks.contradiction",
    "fields": {
        "claim_a": ["talks-were-productive"],
        "claim_b": ["talks-failed"],
        "kind": "event",
        "status": "resolved",
        "prevailing_claim": ["talks-failed"],
        "resolved_by": ["chief"],
        "resolved_at": "2025-12-06T10:00:00Z",
    },
}
SECOND_CLAIM = {
    "model": "talks.claim",
    "fields": {"slug": "talks-failed", "text": "The talks failed.", "claimant_label": "sources"},
}


def test_an_editor_cannot_import_a_contradiction_resolved_by_the_chief(
    desk, tmp_path, django_user_model
):
    django_user_model.objects.create_user("chief")  # whom the file names as resolving it
    editor = user_in(django_user_model, "Editor")

    problems = refusals(tmp_path, [SECOND_CLAIM, CONTRADICTION], user=editor)

    assert problems == [
        'object #2 at line 10, talks.contradiction, ["talks-were-productive", "talks-failed"]: '
        "Only a chief editor can resolve a contradiction or undo its resolution."
    ]


def test_an_editor_cannot_import_an_open_contradiction_as_resolved(
    desk, tmp_path, django_user_model
):
    open_one = {**CONTRADICTION, "fields": {**CONTRADICTION["fields"], "status": "open"}}
    for field in ("prevailing_claim", "resolved_by", "resolved_at"):
        del open_one["fields"][field]
    import_fixtures([write_fixture(tmp_path / "open.json", [SECOND_CLAIM, open_one])])
    chief = user_in(django_user_model, "Chief editor")
    resolved = {**CONTRADICTION, "fields": {**CONTRADICTION["fields"], "resolved_by": None}}

    problems = refusals(tmp_path, [resolved], user=user_in(django_user_model, "Editor"))
    import_fixtures([write_fixture(tmp_path / "by-chief.json", [resolved])], user=chief)

    assert problems == [
        'object #1 at line 2, talks.contradiction, ["talks-were-productive", "talks-failed"]: '
        "Only a chief editor can resolve a contradiction or undo its resolution."
    ]
