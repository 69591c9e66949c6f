"""A stock ``dumpdata`` of the whole database imports: the desk's rows are judged as any
fixture's, and the rest (logins, history, the desk's own bookkeeping) is left out, one line
per model saying why."""

import io

import pytest
from django.core.management import call_command

from talks.exchange import ImportFailed, import_fixtures

from .conftest import SEED_FIXTURE
from .test_import_twice import written_so_far
from .test_natural_keys import wipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def whole_dump(tmp_path, editor):
    """The seeded desk, as ``dumpdata --natural-foreign --natural-primary`` writes it whole."""
    import_fixtures([SEED_FIXTURE], user=editor, reason="seed")
    path = tmp_path / "everything.json"
    call_command("dumpdata", natural_foreign=True, natural_primary=True, output=str(path))
    return path


def test_a_whole_database_dump_imports_leaving_out_one_line_per_model(whole_dump):
    before = written_so_far()
    out = io.StringIO()

    call_command("import_fixtures", str(whole_dump), stdout=out)

    lines = out.getvalue().splitlines()
    assert written_so_far() == before
    assert "talks.claim: 0 created, 0 updated, 19 unchanged" in lines
    assert (
        "auth.user: 1 skipped, not desk data: logins, permissions, sessions and logs stay "
        "with each desk"
    ) in lines
    assert (
        "talks.historicalclaim: 19 skipped, history, which the import writes itself for what "
        "it creates and changes"
    ) in lines
    assert (
        "talks.importrun: 1 skipped, the desk's record of its own imports, which each desk keeps"
    ) in lines
    assert len([line for line in lines if line.startswith("auth.user:")]) == 1


def test_a_whole_database_dump_fills_an_empty_desk(whole_dump):
    wipe()

    result = import_fixtures([whole_dump])

    assert result.counts["talks.claim"]["created"] == 19
    assert not result.problems


def test_a_model_nobody_installed_is_still_a_problem(tmp_path):
    path = tmp_path / "typo.json"
    path.write_text('[{"model": "talks.clam", "fields": {}}]', encoding="utf-8")

    with pytest.raises(ImportFailed) as failure:
        import_fixtures([path])

    assert str(failure.value.result.problems[0]).endswith(
        "object #1 at line 1: unknown model 'talks.clam'"
    )
