"""Export: the desk as fixture JSON, sorted and stable, that imports back to the same bytes."""

import io
import json

import pytest
from django.core.management import call_command

from sources.models import Source, SourceBasis
from talks.exchange import FIXTURE_MODELS, import_fixtures
from talks.models import (
    Citation,
    Claim,
    Contradiction,
    Meeting,
    MeetingCitation,
    Person,
    Role,
    RoleCitation,
    Statement,
)

from .conftest import SEED_FIXTURE, make_claim, make_person, make_source
from .test_natural_keys import dump, make_desk, wipe

pytestmark = pytest.mark.django_db

PUBLISHED = {"status": "published", "verdict": "accurate"}


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


def test_published_only_writes_the_seed_s_public_record_and_nothing_without_a_page(
    tmp_path, client
):
    """Every claim, meeting and source it writes has a public page, and every person too, or
    is named by a role shown on one; statements, contradictions and the sources of roles and
    meetings, which no page shows, stay out."""
    import_fixtures([SEED_FIXTURE])
    exported = json.loads(export("--published-only"))
    labels = {entry["model"] for entry in exported}

    pages = {"talks.claim": "claims", "talks.meeting": "meetings", "sources.source": "sources"}
    for entry in exported:
        if entry["model"] in pages:
            url = f"/{pages[entry['model']]}/{entry['fields']['slug']}/"
            assert client.get(url).status_code == 200, url
    principals = {
        tuple(entry["fields"]["on_behalf_of"])
        for entry in exported
        if entry["model"] == "talks.role" and entry["fields"]["on_behalf_of"]
    }
    for entry in exported:
        if entry["model"] == "talks.person":
            slug = entry["fields"]["slug"]
            assert client.get(f"/people/{slug}/").status_code == 200 or (slug,) in principals
    assert {"talks.claim", "talks.citation", "sources.source", "talks.person"} <= labels
    assert not labels & {
        "talks.statement",
        "talks.contradiction",
        "talks.contradictionsuggestion",
        "talks.rolecitation",
        "talks.meetingcitation",
    }
    assert Statement.objects.exists() and Contradiction.objects.exists()

    path = tmp_path / "public.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    wipe()
    import_fixtures([path])  # every reference is in the file
    assert Claim.objects.count() == len([e for e in exported if e["model"] == "talks.claim"])


def test_published_only_leaves_out_the_sources_only_roles_and_meetings_cite(client):
    envoy = make_person(slug="envoy")
    meeting = Meeting.objects.create(slug="talks", title="Talks", kind="negotiation_round")
    make_claim(slug="published", claimant=envoy, meeting=meeting, **PUBLISHED)
    role = Role.objects.create(person=envoy, title="Special Envoy")
    RoleCitation.objects.create(role=role, source=make_source(slug="appointment"))
    MeetingCitation.objects.create(meeting=meeting, source=make_source(slug="readout"))

    slugs = {(e["model"], e["fields"].get("slug")) for e in json.loads(export("--published-only"))}

    assert {("talks.person", "envoy"), ("talks.meeting", "talks")} <= slugs
    assert not {s for s in slugs if s[0] in ("sources.source", "talks.rolecitation")}
    for slug in ("appointment", "readout"):
        assert client.get(f"/sources/{slug}/").status_code == 404


def test_the_export_and_the_pages_agree_on_what_the_public_may_see(client):
    """``visibility.published_record()`` asks of the whole desk what each page asks of itself."""
    from talks import visibility

    import_fixtures([SEED_FIXTURE])
    record = visibility.published_record()

    for source in Source.objects.all():
        shown = client.get(f"/sources/{source.slug}/").status_code == 200
        assert shown == (source.pk in record[Source]), source.slug
    for person in Person.objects.all():
        shown = client.get(f"/people/{person.slug}/").status_code == 200
        assert shown <= (person.pk in record[Person]), person.slug
    for meeting in Meeting.objects.all():
        shown = client.get(f"/meetings/{meeting.slug}/").status_code == 200
        assert shown == (meeting.pk in record[Meeting]), meeting.slug
    assert set(record) <= set(FIXTURE_MODELS)
