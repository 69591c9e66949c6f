"""The admin import: upload, see the dry run or the problems, confirm, find the run."""

import hashlib
import json
import stat

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talks.models import Claim, ImportRun

from .logins import log_in_verified
from .test_import import BROKEN_DESK, DESK, history_rows, object_rows

pytestmark = pytest.mark.django_db

ADD = reverse("admin:talks_importrun_add")


@pytest.fixture(autouse=True)
def upload_folder(settings, tmp_path):
    settings.FIXTURE_UPLOAD_DIR = tmp_path / "uploads"
    return settings.FIXTURE_UPLOAD_DIR


def upload(client, objects, name="desk.json", reason="weekly batch"):
    content = json.dumps(objects).encode()
    fixture = SimpleUploadedFile(name, content, content_type="application/json")
    return client.post(ADD, {"fixture": fixture, "reason": reason})


def test_upload_shows_the_dry_run_and_writes_nothing(editor_client):
    response = upload(editor_client, DESK)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dry run of desk.json: nothing written yet" in page
    assert "<td>talks.claim</td><td>1</td><td>0</td><td>0</td>" in page
    assert (object_rows(), history_rows(), ImportRun.objects.count()) == (0, 0, 0)


def test_confirming_imports_the_file_and_shows_the_run(editor_client, editor, upload_folder):
    confirm = upload(editor_client, DESK).context["confirm"]

    response = editor_client.post(ADD, {**confirm.initial, "confirm": "Import"}, follow=True)

    run = ImportRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:talks_importrun_change", args=[run.pk])
    assert "Imported desk.json: 6 created, 0 updated, 0 unchanged." in response.content.decode()
    assert (run.user, run.channel, run.reason) == (editor, "admin", "weekly batch")
    record = Claim.objects.get().history.get()
    assert record.history_user == editor
    assert record.history_change_reason == f"Import run #{run.pk}: weekly batch"
    assert [
        path.suffix for path in upload_folder.iterdir() if path.suffix in (".json", ".taken")
    ] == [], "the upload's bytes go once imported"


def test_a_broken_file_lists_its_problems_and_writes_nothing(editor_client):
    response = upload(editor_client, BROKEN_DESK, name="broken.json")

    page = response.content.decode()
    assert "broken.json: nothing was imported" in page
    assert "7 problems" in page
    assert (
        "broken.json, object #3 at line 1, talks.person, [&quot;number&quot;], "
        "field &#x27;name&#x27;" in (page)
    )
    assert "confirm" not in response.context
    assert (object_rows(), ImportRun.objects.count()) == (0, 0)


def test_confirming_an_upload_that_is_gone_asks_for_it_again(editor_client):
    confirm = {"token": "0" * 43, "confirm": "Import"}

    response = editor_client.post(ADD, confirm, follow=True)

    assert "no longer here; upload it again" in response.content.decode()
    assert object_rows() == 0


def test_a_changed_upload_is_not_imported(editor_client, upload_folder):
    confirm = upload(editor_client, DESK).context["confirm"]
    staged = upload_folder / f"{confirm.initial['token']}.json"
    staged.write_text(json.dumps(DESK[:1]), encoding="utf-8")

    response = editor_client.post(ADD, {**confirm.initial, "confirm": "Import"}, follow=True)

    assert "has changed since it was checked" in response.content.decode()
    assert object_rows() == 0


def test_importing_needs_the_permission(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    log_in_verified(client, clerk)

    changelist = client.get(reverse("admin:talks_importrun_changelist"))
    forbidden = upload(client, DESK)

    assert changelist.status_code == 200
    assert "Import a fixture" not in changelist.content.decode()
    assert forbidden.status_code == 403
    assert object_rows() == 0

    clerk.user_permissions.add(Permission.objects.get(codename="run_import"))
    assert (
        "Import a fixture"
        in client.get(reverse("admin:talks_importrun_changelist")).content.decode()
    )


def test_a_run_cannot_be_edited_or_deleted(editor_client):
    confirm = upload(editor_client, DESK).context["confirm"]
    editor_client.post(ADD, {**confirm.initial, "confirm": "Import"})
    run = ImportRun.objects.get()
    change = reverse("admin:talks_importrun_change", args=[run.pk])

    page = editor_client.get(change)

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "<td>talks.citation</td><td>1</td><td>0</td><td>0</td>" in page.content.decode()
    assert editor_client.post(change, {"reason": "rewritten"}).status_code == 403
    delete = reverse("admin:talks_importrun_delete", args=[run.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert ImportRun.objects.get().reason == "weekly batch"


def test_a_second_confirmation_of_the_same_upload_is_refused_saying_so(editor_client):
    confirm = {**upload(editor_client, DESK).context["confirm"].initial, "confirm": "Import"}
    editor_client.post(ADD, confirm)
    run = ImportRun.objects.get()

    again = editor_client.post(ADD, confirm, follow=True)

    assert ImportRun.objects.count() == 1
    assert (
        f"This upload of desk.json was imported already as import run #{run.pk}; confirming it "
        "again imports nothing." in again.content.decode()
    )


def test_the_run_records_the_uploaded_file_s_own_name_and_hash(editor_client):
    content = json.dumps(DESK).encode()
    confirm = upload(editor_client, DESK, name="batch 12.json").context["confirm"].initial
    forged = {**confirm, "name": "other.json", "sha256": "0" * 64, "reason": "forged"}

    editor_client.post(ADD, {**forged, "confirm": "Import"})

    run = ImportRun.objects.get()
    assert run.files == [
        {"name": "batch 12.json", "sha256": hashlib.sha256(content).hexdigest(), "objects": 6}
    ]
    assert run.reason == "weekly batch"


def test_staged_uploads_are_readable_by_the_app_alone(editor_client, upload_folder):
    upload(editor_client, DESK)

    modes = {stat.S_IMODE(path.stat().st_mode) for path in upload_folder.iterdir()}

    assert modes == {0o600}
    assert stat.S_IMODE(upload_folder.stat().st_mode) == 0o700


def test_another_login_cannot_confirm_someone_s_upload(editor_client, client, django_user_model):
    confirm = upload(editor_client, DESK).context["confirm"].initial
    other = django_user_model.objects.create_superuser("other", "other@example.org", "pw")
    log_in_verified(client, other)

    response = client.post(ADD, {**confirm, "confirm": "Import"}, follow=True)

    assert "This upload was checked by another login" in response.content.decode()
    assert not ImportRun.objects.exists()
