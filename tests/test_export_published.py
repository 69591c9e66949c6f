"""``export_fixtures --published-only``: a file that stands on its own, written whole or not
at all, that gives another desk the same public pages."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from talks.exchange import export as export_module
from talks.exchange import import_fixtures

from .conftest import SEED_FIXTURE
from .test_natural_keys import make_desk, wipe

pytestmark = pytest.mark.django_db


def public_claims(client):
    """Each claim the readers' list links to, with the words of its page."""
    cache.clear()  # the edition moves on at commit, which a test's transaction never reaches
    listing = client.get("/claims/").content.decode()
    slugs = sorted(set(re.findall(r'href="/claims/([a-z0-9-]+)/"', listing)))
    pages = {}
    for slug in slugs:
        page = client.get(f"/claims/{slug}/").content.decode()
        article = re.search(r"<main\b.*?</main>", page, flags=re.S).group(0)
        pages[slug] = " ".join(re.sub(r"<[^>]+>", " ", article).split())
    return pages


def test_published_only_of_the_seed_gives_an_empty_desk_the_same_public_claims(
    tmp_path, client, editor
):
    import_fixtures([SEED_FIXTURE])
    make_desk(editor)  # statements, contradictions and suggestions, which stay out
    before = public_claims(client)
    path = tmp_path / "public.json"
    call_command("export_fixtures", "--published-only", "--output", str(path), stdout=io.StringIO())
    wipe()

    import_fixtures([path])

    assert len(before) > 10
    assert public_claims(client) == before


def test_a_failed_export_leaves_the_earlier_file_whole_and_no_part_of_itself(tmp_path, monkeypatch):
    import_fixtures([SEED_FIXTURE])
    path = tmp_path / "public.json"
    path.write_text("[]\n", encoding="utf-8")

    class FailsMidway(export_module.DjangoJSONEncoder):
        dates = 0

        def default(self, value):  # a date or a time, of many objects
            FailsMidway.dates += 1
            if FailsMidway.dates == 100:
                raise RuntimeError("the disk went away")
            return super().default(value)

    monkeypatch.setattr(export_module, "DjangoJSONEncoder", FailsMidway)

    with pytest.raises(RuntimeError, match="the disk went away"):
        call_command("export_fixtures", "--published-only", "--output", str(path))

    assert path.read_text(encoding="utf-8") == "[]\n"
    assert [entry.name for entry in tmp_path.iterdir()] == ["public.json"]
