"""Importing what the desk already holds writes nothing: no rows, no history, no import run,
no new edition of the public pages (so no reader's cached page goes stale for nothing)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from talks.exchange import FIXTURE_MODELS, import_fixtures
from talks.models import Edition, ImportRun

from .conftest import SEED_FIXTURE

pytestmark = pytest.mark.django_db


def written_so_far():
    """What an import could have written: history of every model it touches, its runs, and
    the public pages' edition."""
    return {
        "history": sum(model.history.count() for model in [*FIXTURE_MODELS, ImportRun]),
        "runs": ImportRun.objects.count(),
        "edition": Edition.current().number,
    }


def test_demo_starts_twice_on_one_database_and_writes_nothing_the_second_time(
    django_capture_on_commit_callbacks, settings
):
    settings.DEBUG = True  # the demo runs only in development
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", no_serve=True, stdout=io.StringIO())
    before = written_so_far()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", no_serve=True, stdout=out)

    assert written_so_far() == before
    assert before["runs"] == 1
    assert "talks.statement: 0 created, 0 updated, 26 unchanged" in out.getvalue()


def test_the_desk_s_own_export_imports_back_writing_nothing(
    tmp_path, django_capture_on_commit_callbacks
):
    import_fixtures([SEED_FIXTURE])
    exported = tmp_path / "desk.json"
    call_command("export_fixtures", "--output", str(exported), stdout=io.StringIO())
    before = written_so_far()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_fixtures", str(exported), stdout=out)

    assert written_so_far() == before
    assert "Import run #" not in out.getvalue()
    assert "Nothing to write, the desk already holds every object as given" in out.getvalue()


def test_confirming_an_upload_the_desk_already_holds_says_so_and_records_no_run(
    editor_client, settings, tmp_path
):
    settings.FIXTURE_UPLOAD_DIR = tmp_path / "uploads"
    import_fixtures([SEED_FIXTURE])
    before = written_so_far()
    add = reverse("admin:talks_importrun_add")
    fixture = SimpleUploadedFile("seed.json", SEED_FIXTURE.read_bytes())
    confirm = editor_client.post(add, {"fixture": fixture, "reason": "again"}).context["confirm"]

    response = editor_client.post(add, {**confirm.initial, "confirm": "Import"}, follow=True)

    assert written_so_far() == before
    assert response.redirect_chain[-1][0] == reverse("admin:talks_importrun_changelist")
    assert "Nothing imported from seed.json: the desk already holds every object" in (
        response.content.decode()
    )
