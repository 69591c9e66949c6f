"""The history nobody can rewrite unnoticed (sources/history_chain.py): every history row is
chained by SHA-256 to the one before, on every write path; PostgreSQL refuses to change or
delete one; ``verify_history`` names the first broken link."""

import threading
import time
from functools import partial
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from sources import history_chain
from sources.history_chain import HistoryLink
from sources.models import Source
from talks.models import Claim, Person

from .conftest import SEED_FIXTURE, make_claim, make_source, rewriting_history

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only triggers are PostgreSQL's"
)


def history_rows():
    return sum(history._base_manager.count() for history in history_chain.history_models().values())


def verify(*args):
    out = StringIO()
    call_command("verify_history", *args, stdout=out)
    return out.getvalue()


def broken(*args):
    with pytest.raises(CommandError) as refusal:
        verify(*args)
    return str(refusal.value)


def test_every_write_path_extends_the_chain():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())  # bulk, by COPY
    claim = Claim.objects.first()
    claim.verdict_rationale, claim._change_reason = "Checked again", "A second look"
    claim.save()  # simple-history's signal
    bulk_create_with_history([Person(name="Bulk Person")], Person)  # simple-history's helper
    Source.objects.filter(pk=make_source().pk).first().delete()

    assert HistoryLink.objects.count() == history_rows() > 0
    assert "The history chain holds" in verify()
    position, digest = history_chain.head()
    assert position == HistoryLink.objects.count()
    assert f"#{position}:{digest}" in verify()


def test_verify_history_names_a_history_row_edited_in_the_database():
    claim = make_claim(text="The talks were held in Geneva.")
    claim.text = "The talks were held in Riyadh."
    claim.save()
    first = claim.history.earliest()
    make_source()  # later links, which still follow from the edited one
    assert "holds" in verify()

    with rewriting_history():  # someone holding the database
        type(first).objects.filter(pk=first.pk).update(text="The talks were held in Moscow.")

    message = broken()
    assert f"talks_historicalclaim history_id={first.history_id}" in message
    assert "the row differs from the one chained" in message
    link = HistoryLink.objects.get(table="talks_historicalclaim", history_id=first.history_id)
    assert f"link #{link.position}" in message


def test_verify_history_names_a_deleted_history_row():
    source = make_source()
    make_claim()
    row = source.history.get()
    with rewriting_history():
        type(row).objects.filter(pk=row.pk).delete()

    message = broken()
    assert f"sources_historicalsource history_id={row.history_id}" in message
    assert "the history row is gone" in message


def test_a_rewritten_chain_is_told_by_the_head_published_before():
    make_claim(text="Published first.")
    published = "{}:{}".format(*history_chain.head())
    assert "is on it" in verify("--head", published)
    link = HistoryLink.objects.order_by("position").last()

    # Rewrite the row and every digest from it on, as a careful forger would.
    row = Claim.history.get(pk=link.history_id)
    with rewriting_history():
        Claim.history.filter(pk=row.pk).update(text="Rewritten.")
        row.refresh_from_db()
        columns, (values,) = history_chain._rows(Claim.history.model, [row.pk])
        forged = history_chain.row_hash(link.table, columns, values)
        previous = HistoryLink.objects.filter(position=link.position - 1).first()
        HistoryLink.objects.filter(pk=link.pk).update(
            row_hash=forged,
            digest=history_chain.link_digest(
                link.position, previous.digest if previous else history_chain.GENESIS, forged
            ),
        )

    assert "holds" in verify(), "consistent in itself"
    message = broken("--head", published)
    assert "as published: the chain was rewritten" in message


def test_a_history_row_written_around_the_chain_is_named():
    make_claim()
    history = Claim.history.model
    row = Claim.history.get()
    with rewriting_history():
        HistoryLink.objects.filter(table=history._meta.db_table, history_id=row.pk).delete()
    message = broken()
    assert "missing" in message or "in no link" in message


def test_the_chain_cannot_fork():
    make_claim()
    position, digest = history_chain.head()
    with pytest.raises(DatabaseError), transaction.atomic():
        HistoryLink.objects.create(
            position=position, table="x", history_id=1, row_hash="0" * 64, digest="0" * 64
        )


@on_postgresql
def test_postgresql_refuses_to_change_or_delete_any_history_row():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())
    tables = [*history_chain.history_models().items(), ("sources_historylink", HistoryLink)]
    for table, model in tables:
        row = model._base_manager.first()
        if row is None:
            continue
        pk = model._meta.pk.column
        for sql in (
            f'UPDATE "{table}" SET "{pk}" = "{pk}" WHERE "{pk}" = %s',
            f'DELETE FROM "{table}" WHERE "{pk}" = %s',
        ):
            with (
                pytest.raises(DatabaseError, match="history is append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, [row.pk])
        with pytest.raises(DatabaseError, match="history is append-only"), transaction.atomic():
            model._base_manager.filter(pk=row.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname LIKE '%%historical%%' "
            "AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_trigger t "
            "WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_append_only')"
        )
        assert cursor.fetchall() == [], "every history table has its trigger"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_chain():
    errors = []

    def write(n):
        try:
            for i in range(5):
                with transaction.atomic():
                    make_claim(text=f"Writer {n} claim {i}.")
                    make_source()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert errors == []
    assert HistoryLink.objects.count() == history_rows() == 40
    assert "holds: 40 links" in verify()


def test_a_login_the_history_names_is_deactivated_not_deleted(editor_client, django_user_model):
    reporter = django_user_model.objects.create_user("reporter", password="pw", is_staff=True)
    claim = make_claim()
    claim._history_user = reporter
    claim.text = "Edited by the reporter."
    claim.save()
    idle = django_user_model.objects.create_user("idle", password="pw", is_staff=True)

    url = f"/admin/auth/user/{reporter.pk}/delete/"
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "deactivate this login instead" in response.text
    assert django_user_model.objects.filter(pk=reporter.pk).exists()

    response = editor_client.post(f"/admin/auth/user/{idle.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not django_user_model.objects.filter(pk=idle.pk).exists()


def test_the_public_site_shows_the_head_as_of_the_last_round_hour(client, monkeypatch, seed_desk):
    position, digest = history_chain.head()
    time.sleep(0.01)
    at_the_round_hour = partial(history_chain.checkpoint, now=timezone.now())
    monkeypatch.setattr(history_chain, "CHECKPOINT_MINUTES", 1 / 60_000)  # a step of 1 ms
    monkeypatch.setattr(history_chain, "checkpoint", at_the_round_hour)
    time.sleep(0.01)
    make_claim(text="A draft written after the checkpoint.")  # moves the head, not the page

    page = client.get("/transparency/")
    feed = client.get("/feed/")

    assert page.status_code == 200
    assert f"<dd>{position}</dd>" in page.text and digest in page.text
    assert f'digest="{digest}" position="{position}"' in feed.text
    assert '<link href="http://testserver/transparency/" rel="related"/>' in feed.text
    assert "is on it" in verify("--head", f"{position}:{digest}")
    with translation.override("en"):  # the page activates its language, as every page does
        assert "Журнал змін" in client.get("/uk/transparency/").text


@pytest.fixture
def seed_desk():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())
