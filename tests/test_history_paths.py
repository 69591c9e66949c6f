"""Every write path leaves a history row saying what happened, who did it, and why.

The paths: admin add and change (with their inline rows), inline edits and deletes, the delete
view, the "delete selected" action, simple-history's revert form, and the management commands.
If any path stops recording history, user or reason, one of these tests fails.
"""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalChanges

from sources.admin.tracked import TrackedAdmin
from sources.history_chain import HistoryLink
from sources.models import Capture, QuoteCheck, Source, SourceBasis, SourceChange
from talks import models as talks_models
from talks.exchange import FIXTURE_MODELS
from talks.models import Citation, Claim, ClaimSubject, Delivery, ImportRun
from talks.models.editions import Edition, PageStamp, PendingStamp
from talks.models.people import PersonNameKey
from talks.models.suggestion_runs import SuggestionRun

from .admin_forms import (
    add_inline_row,
    assert_saved,
    changeform_data,
    inline_prefix,
    inline_row_index,
)
from .conftest import SEED_FIXTURE, make_claim, make_person, make_source

TRACKED_MODELS = [Source, SourceBasis, Capture, SourceChange] + [
    getattr(talks_models, name) for name in talks_models.__all__
]

pytestmark = pytest.mark.django_db


def assert_recorded(record, history_type, user, reason=None):
    """One history row: its type, its author, a reason (the given one when given)."""
    assert record.history_type == history_type
    assert record.history_user == user
    assert record.history_change_reason, "the history row has no change reason"
    if reason is not None:
        assert record.history_change_reason == reason


def history_rows(model, pk):
    """The history of one object, oldest first; it outlives the object."""
    return model.history.filter(**{model._meta.pk.attname: pk}).order_by(
        "history_date", "history_id"
    )


def latest_history(model, pk):
    return history_rows(model, pk).last()


# --- Admin add, change, inline rows -----------------------------------------------------------


def test_admin_add_records_the_claim_and_its_inline_rows(editor_client, editor):
    source, person = make_source(), make_person()
    url = reverse("admin:talks_claim_add")
    page = editor_client.get(url)
    data = changeform_data(page)
    data.update(
        text="The delegations agreed on a prisoner exchange.",
        status=Claim.Status.DRAFT,
        change_reason="From the Istanbul readout",
    )
    add_inline_row(
        data,
        inline_prefix(page, Citation),
        source=source.pk,
        quote="Both sides agreed to exchange prisoners.",
        location="paragraph 2",
        relation=Citation.Relation.ORIGINATES,
    )
    add_inline_row(data, inline_prefix(page, ClaimSubject), person=person.pk)

    assert_saved(editor_client.post(url, data))

    claim = Claim.objects.get()
    assert claim.slug, "the slug is filled in when left blank"
    citation, subject = claim.citations.get(), claim.subjects.get()
    for model, pk in [(Claim, claim.pk), (Citation, citation.pk), (ClaimSubject, subject.pk)]:
        (record,) = history_rows(model, pk)
        assert_recorded(record, "+", editor, "From the Istanbul readout")


def test_admin_add_without_a_typed_reason_records_a_plain_one(editor_client, editor):
    url = reverse("admin:talks_claim_add")
    data = changeform_data(editor_client.get(url))
    data.update(text="Talks will resume next week.", status=Claim.Status.DRAFT)

    assert_saved(editor_client.post(url, data))

    assert_recorded(Claim.history.get(), "+", editor, "Added in the admin")


def test_admin_change_of_the_verdict_records_the_typed_reason(editor_client, editor):
    claim = make_claim()
    url = reverse("admin:talks_claim_change", args=[claim.pk])
    data = changeform_data(editor_client.get(url))
    data.update(verdict=Claim.Verdict.FALSE, change_reason="The transcript says otherwise")

    assert_saved(editor_client.post(url, data))

    record = latest_history(Claim, claim.pk)
    assert_recorded(record, "~", editor, "The transcript says otherwise")
    assert record.verdict == Claim.Verdict.FALSE
    assert history_rows(Claim, claim.pk).count() == 2


def test_admin_change_without_a_typed_reason_lists_the_changed_fields(editor_client, editor):
    claim = make_claim()
    url = reverse("admin:talks_claim_change", args=[claim.pk])
    data = changeform_data(editor_client.get(url))
    data.update(verdict=Claim.Verdict.MISLEADING)

    assert_saved(editor_client.post(url, data))

    assert_recorded(latest_history(Claim, claim.pk), "~", editor, "Changed in the admin: verdict")


def test_inline_edit_and_delete_record_citation_history(editor_client, editor):
    claim = make_claim()
    kept = Citation.objects.create(claim=claim, source=make_source(), quote="Old wording")
    dropped = Citation.objects.create(claim=claim, source=make_source(), quote="A misreading")
    url = reverse("admin:talks_claim_change", args=[claim.pk])
    page = editor_client.get(url)
    data = changeform_data(page)
    prefix = inline_prefix(page, Citation)
    data[f"{prefix}-{inline_row_index(data, prefix, kept)}-quote"] = "Exact wording"
    data[f"{prefix}-{inline_row_index(data, prefix, dropped)}-DELETE"] = "on"
    data["change_reason"] = "Quote checked against the video"

    assert_saved(editor_client.post(url, data))

    kept_record = latest_history(Citation, kept.pk)
    assert_recorded(kept_record, "~", editor, "Quote checked against the video")
    assert kept_record.quote == "Exact wording"
    assert not Citation.objects.filter(pk=dropped.pk).exists()
    assert_recorded(latest_history(Citation, dropped.pk), "-", editor)
    assert latest_history(Citation, dropped.pk).history_change_reason == (
        "Quote checked against the video"
    )


# --- Deletes ----------------------------------------------------------------------------------


def test_admin_delete_view_records_the_object_and_what_cascades(editor_client, editor):
    claim = make_claim()
    citation = Citation.objects.create(claim=claim, source=make_source())
    subject = ClaimSubject.objects.create(claim=claim, person=make_person())
    url = reverse("admin:talks_claim_delete", args=[claim.pk])

    assert_saved(editor_client.post(url, {"post": "yes"}))

    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert_recorded(latest_history(Claim, claim.pk), "-", editor, "Deleted in the admin")
    # The citation and the subject go with the claim; their rows say so, by whom and why.
    cascaded = f"Deleted in the admin, with the claim “{claim}”"
    assert_recorded(latest_history(Citation, citation.pk), "-", editor, cascaded)
    assert_recorded(latest_history(ClaimSubject, subject.pk), "-", editor, cascaded)


def test_bulk_delete_action_records_one_row_per_object(editor_client, editor):
    claims = [make_claim() for _ in range(3)]
    citation = Citation.objects.create(claim=claims[0], source=make_source())
    spared = make_claim()
    url = reverse("admin:talks_claim_changelist")

    response = editor_client.post(
        url,
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [claim.pk for claim in claims],
        },
    )

    assert response.status_code == 302
    assert list(Claim.objects.all()) == [spared]
    for claim in claims:
        (deleted,) = history_rows(Claim, claim.pk).filter(history_type="-")
        assert_recorded(deleted, "-", editor, "Deleted in the admin (bulk action)")
    assert_recorded(
        latest_history(Citation, citation.pk),
        "-",
        editor,
        f"Deleted in the admin (bulk action), with the claim “{claims[0]}”",
    )
    assert history_rows(Claim, spared.pk).count() == 1


# --- simple-history's revert form -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("", "Reverted in the admin to an earlier version"),
        ("The verdict was premature", "The verdict was premature"),
    ],
)
def test_history_revert_form_records_the_revert(editor_client, editor, typed, recorded):
    claim = make_claim(verdict_rationale="")
    original = latest_history(Claim, claim.pk)
    claim.verdict, claim.verdict_rationale = Claim.Verdict.FALSE, "Too early."
    claim.save()
    url = reverse("admin:talks_claim_simple_history", args=[claim.pk, original.history_id])
    data = changeform_data(editor_client.get(url))
    data["change_reason"] = typed

    assert_saved(editor_client.post(url, data))

    claim.refresh_from_db()
    assert (claim.verdict, claim.verdict_rationale) == ("", "")
    record = latest_history(Claim, claim.pk)
    assert_recorded(record, "~", editor, recorded)
    assert history_rows(Claim, claim.pk).count() == 3


# --- Management commands ----------------------------------------------------------------------


def write_fixture(path, quote):
    path.write_text(
        json.dumps(
            [
                {
                    "model": "sources.source",
                    "fields": {"slug": "tass-readout", "kind": "report", "title": "TASS readout"},
                },
                {
                    "model": "talks.claim",
                    "fields": {"slug": "no-compromise", "text": "No compromise was found."},
                },
                {
                    "model": "talks.citation",
                    "fields": {"claim": "no-compromise", "source": "tass-readout", "quote": quote},
                },
            ]
        ),
        encoding="utf-8",
    )
    return path


def test_import_fixtures_command_records_the_file_the_user_and_the_reason(tmp_path, editor):
    batch = write_fixture(tmp_path / "batch.json", "No compromise yet.")

    call_command(
        "import_fixtures",
        str(batch),
        user=editor.username,
        reason="weekly batch",
        stdout=StringIO(),
    )

    imported = [
        Source.objects.get(slug="tass-readout"),
        Claim.objects.get(slug="no-compromise"),
        Citation.objects.get(),
    ]
    run = ImportRun.objects.get()
    assert [file["name"] for file in run.files] == ["batch.json"]
    for obj in imported:
        (record,) = history_rows(type(obj), obj.pk)
        assert_recorded(record, "+", editor)
        assert record.history_change_reason == f"Import run #{run.pk}: weekly batch"

    correction = write_fixture(tmp_path / "correction.json", "No compromise was reached.")
    call_command("import_fixtures", str(correction), reason="The quote in full", stdout=StringIO())

    citation = imported[2]
    record = latest_history(Citation, citation.pk)
    assert_recorded(record, "~", None)
    correction_run = ImportRun.objects.exclude(pk=run.pk).get()
    assert record.history_change_reason == f"Import run #{correction_run.pk}: The quote in full"
    assert record.quote == "No compromise was reached."
    # Unchanged objects are skipped: no new rows for the source and the claim.
    assert history_rows(Source, imported[0].pk).count() == 1
    assert history_rows(Claim, imported[1].pk).count() == 1


def test_demo_command_imports_the_seed_with_history(django_user_model, settings):
    assert SEED_FIXTURE.exists(), "fixtures/seed.json is the demo's data set"
    settings.DEBUG = True

    call_command("demo", no_serve=True, stdout=StringIO())

    assert Claim.objects.exists()
    logins = django_user_model.objects.filter(is_staff=True, is_superuser=False)
    assert {(user.username, *user.groups.values_list("name", flat=True)) for user in logins} == {
        ("contributor", "Contributor"),
        ("editor", "Editor"),
        ("chief", "Chief editor"),
    }
    run = ImportRun.objects.get()
    for model in FIXTURE_MODELS:
        objects = model.objects.count()
        records = model.history.all()
        assert records.count() == objects, model._meta.label
        for record in records:
            assert record.history_type == "+"
            # The demo chief editor is credited with the seed it imports.
            assert record.history_user.username == "chief"
            assert record.history_change_reason == f"Import run #{run.pk}: demo start"


# --- Every tracked model has the machinery ----------------------------------------------------


def test_every_model_of_the_desk_is_in_the_tracked_list():
    """A new model must join ``talks.models.__all__`` and so the checks below.

    The exceptions hold no desk data: the public pages' edition counter, the number that
    every tracked write moves on (see ``talks.models.editions``), the keys the readers'
    search finds people by, derived from their names on every write (``PersonNameKey``), the
    log of notifications sent to partners, which the desk writes as it sends them
    (``Delivery``), the log of suggestion runs (the suggestions they write keep their
    history), the archive's quote checks, a new row for each check (``QuoteCheck``), and
    the history's own chain (``HistoryLink``, one per history row).
    """
    desk_models = {
        model
        for label in ("sources", "talks")
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    }
    logs = {Delivery, SuggestionRun, QuoteCheck, HistoryLink}
    assert desk_models - {Edition, PageStamp, PendingStamp, PersonNameKey, *logs} == set(
        TRACKED_MODELS
    )


@pytest.mark.parametrize("model", TRACKED_MODELS, ids=lambda model: model._meta.label)
def test_tracked_model_has_history_with_a_64_bit_id(model):
    history_model = model.history.model
    history_id = history_model._meta.get_field("history_id")
    assert isinstance(history_id, models.BigAutoField)
    assert history_id.get_internal_type() == "BigAutoField"
    assert history_model._meta.get_field("history_change_reason").get_internal_type() == (
        "TextField"
    )


@pytest.mark.parametrize("model", TRACKED_MODELS, ids=lambda model: model._meta.label)
def test_tracked_model_is_administered_with_the_reason_machinery(model):
    assert model in admin.site._registry, f"{model._meta.label} has no admin"
    assert isinstance(admin.site._registry[model], TrackedAdmin)
