"""Export: the desk as fixture JSON, sorted and stable, that imports back to the same bytes."""

import io
import json

import pytest
from django.core.management import call_command

from sources.models import Source, SourceBasis
from talks.models import Citation, Claim, Person, Role
from talks.services.fixture_import import import_fixtures

from .conftest import SEED_FIXTURE, make_claim, make_person, make_source
from .test_natural_keys import dump, make_desk, wipe

pytestmark = pytest.mark.django_db


def export(*options):
    out = io.StringIO()
    call_command("export_fixtures", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_import_into_an_empty_desk_and_export_again_gives_the_same_bytes(tmp_path, editor):
    import_fixtures([SEED_FIXTURE])
    make_desk(editor)
    first = tmp_path / "first.json"
    call_command("export_fixtures", "--output", str(first), stdout=io.StringIO())
    wipe()

    import_fixtures([first])
    second = export()

    assert second == first.read_text(encoding="utf-8")
    assert not [entry for entry in json.loads(second) if "pk" in entry]


def test_export_is_sorted_by_model_then_natural_key(tmp_path):
    for slug in ["zeta", "alpha", "mu"]:
        make_person(slug=slug, name=slug.title())
    make_source(slug="report")

    exported = json.loads(export())

    assert [(e["model"], e["fields"].get("slug")) for e in exported] == [
        ("sources.source", "report"),
        ("talks.person", "alpha"),
        ("talks.person", "mu"),
        ("talks.person", "zeta"),
    ]


def test_export_holds_what_dumpdata_writes_in_a_stable_order(editor):
    make_desk(editor)

    exported = json.loads(export())

    def as_set(entries):
        return sorted(json.dumps(entry, sort_keys=True) for entry in entries)

    assert as_set(exported) == as_set(json.loads(dump()))
    assert export() == export()


def test_published_only_holds_published_claims_and_what_they_rest_on(tmp_path):
    president = make_person(slug="president")
    envoy = make_person(slug="envoy")
    Role.objects.create(person=envoy, title="Special Envoy", on_behalf_of=president)
    agency = make_source(slug="agency")
    article = make_source(slug="article")
    SourceBasis.objects.create(source=article, basis=agency)
    published = make_claim(slug="published", claimant=envoy, status="published", verdict="accurate")
    Citation.objects.create(claim=published, source=article)
    draft = make_claim(slug="draft", claimant=make_person(slug="drafter"))
    Citation.objects.create(claim=draft, source=make_source(slug="draft-source"))

    exported = json.loads(export("--published-only"))

    slugs = {(e["model"], e["fields"].get("slug")) for e in exported}
    assert ("talks.claim", "published") in slugs
    assert ("talks.claim", "draft") not in slugs
    assert ("talks.person", "drafter") not in slugs
    assert ("sources.source", "draft-source") not in slugs
    assert {("talks.person", "envoy"), ("talks.person", "president")} <= slugs
    assert {("sources.source", "article"), ("sources.source", "agency")} <= slugs
    assert {e["model"] for e in exported} >= {"sources.sourcebasis", "talks.role"}

    path = tmp_path / "public.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    wipe_everything()
    import_fixtures([path])  # it stands on its own: every reference is in the file
    assert list(Claim.objects.values_list("slug", flat=True)) == ["published"]


def wipe_everything():
    for model in [Citation, Role, SourceBasis, Claim, Person, Source]:
        model.objects.all().delete()


def test_export_command_writes_a_file_and_says_what_it_wrote(tmp_path):
    make_person(slug="envoy")
    out = io.StringIO()

    call_command("export_fixtures", "--output", str(tmp_path / "desk.json"), stdout=out)

    assert json.loads((tmp_path / "desk.json").read_text(encoding="utf-8"))[0]["model"] == (
        "talks.person"
    )
    assert out.getvalue().splitlines()[-1] == f"Exported 1 objects to {tmp_path / 'desk.json'}"
