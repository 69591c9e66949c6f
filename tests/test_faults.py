"""When the database connection drops or a rule fails half-way through a multi-step write,
nothing is half-written: not the rows, not their history, not the import run."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections
from django.db.models.signals import pre_save

from talks.exchange import ImportFailed, import_fixtures
from talks.exchange import write as fixture_writes
from talks.models import Claim, Contradiction, ImportRun, Person
from talks.services import contradictions as decisions

from .conftest import make_claim

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ends the server's own connection"
)

PEOPLE = """[
  {"model": "talks.person", "fields": {"slug": "first-envoy", "name": "First Envoy"}},
  {"model": "talks.person", "fields": {"slug": "second-envoy", "name": "Second Envoy"}},
  {"model": "talks.personalias", "fields": {"person": ["first-envoy"], "name": "Envoy One"}}
]"""


def drop_the_connection():
    """What a failover or a killed backend does to the app: its connection ends mid-write."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


def desk_counts():
    connections.close_all()  # a fresh connection, after the dropped one
    return {
        "people": Person.objects.count(),
        "people history": Person.history.count(),
        "import runs": ImportRun.objects.count(),
        "contradiction history": Contradiction.history.count(),
        "claim history": Claim.history.count(),
    }


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_connection_drops_half_way_leaves_nothing(tmp_path, monkeypatch):
    fixture = tmp_path / "people.json"
    fixture.write_text(PEOPLE)
    before = desk_counts()
    written = []
    real_insert_history = fixture_writes.insert_history

    def insert_history_then_drop(model, *args, **kwargs):
        real_insert_history(model, *args, **kwargs)
        written.append(model)
        drop_the_connection()  # people and their history are in; aliases are next

    monkeypatch.setattr(fixture_writes, "insert_history", insert_history_then_drop)

    with pytest.raises((ImportFailed, DatabaseError)):
        import_fixtures([fixture])

    assert written == [Person]
    assert desk_counts() == before


def resolving_with_a_verdict(contradiction, user):
    return decisions.resolve_contradiction(
        contradiction,
        prevailing_claim=contradiction.claim_b,
        resolution_note="Trump is president in December 2025.",
        verdict="false",
        user=user,
        reason="Resolved",
    )


@pytest.fixture
def contradiction():
    return Contradiction.objects.create(
        claim_a=make_claim(text="Biden's negotiators."),
        claim_b=make_claim(text="Trump's envoy."),
        kind="role",
    )


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_resolution_whose_connection_drops_half_way_leaves_nothing(contradiction, editor):
    before = desk_counts()

    def drop_before_the_claim_is_saved(sender, instance, **kwargs):
        drop_the_connection()  # the contradiction is saved; the other claim is next

    pre_save.connect(drop_before_the_claim_is_saved, sender=Claim)
    try:
        with pytest.raises(DatabaseError):
            resolving_with_a_verdict(contradiction, editor)
    finally:
        pre_save.disconnect(drop_before_the_claim_is_saved, sender=Claim)

    assert desk_counts() == before
    assert Contradiction.objects.get().status == "open"
    assert Claim.objects.get(text="Biden's negotiators.").verdict == ""


@pytest.mark.django_db(transaction=True)
def test_a_resolution_whose_second_write_breaks_a_rule_leaves_nothing(contradiction, editor):
    before = desk_counts()

    def break_a_rule(sender, instance, **kwargs):
        instance.status = "not-a-status"  # the database's CHECK refuses it

    pre_save.connect(break_a_rule, sender=Claim)
    try:
        with pytest.raises(IntegrityError):
            resolving_with_a_verdict(contradiction, editor)
    finally:
        pre_save.disconnect(break_a_rule, sender=Claim)

    assert desk_counts() == before
    assert Contradiction.objects.get().status == "open"
