"""Other spellings proposed: the official transliterations of a person's Cyrillic names are
offered on their admin page for an editor to accept, one click each, and never recorded
without one."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from talks.models import Person, PersonAlias
from talks.models.people import PersonNameKey

from .admin_forms import add_inline_row, assert_saved, changeform_data, inline_prefix
from .conftest import SEED_FIXTURE
from .logins import log_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def change_url(person):
    return f"/admin/talks/person/{person.pk}/change/"


def accept_url(person):
    return f"/admin/talks/person/{person.pk}/accept-spelling/"


def test_the_transliterations_not_recorded_are_proposed(seed):
    zelenskyy = Person.objects.get(slug="volodymyr-zelenskyy")
    # Зеленский's Wikipedia spelling, Zelensky, is recorded already; the national
    # transliteration of the Ukrainian spellings is not.
    assert zelenskyy.proposed_spellings() == [
        ("Volodymyr Zelenskyi", "en"),
        ("Zelenskyi", "en"),
    ]
    # Гнатов is Hnatov, a word of the name as the desk writes it: nothing to propose.
    assert Person.objects.get(slug="andriy-hnatov").proposed_spellings() == []
    # A name in Latin letters alone gets no Cyrillic spelling invented.
    assert Person.objects.get(slug="marco-rubio").proposed_spellings() == []


def test_the_persons_page_offers_each_proposal_to_accept(seed, editor_client):
    zelenskyy = Person.objects.get(slug="volodymyr-zelenskyy")
    html = editor_client.get(change_url(zelenskyy)).content.decode()
    assert "Other spellings proposed" in html
    assert html.count(f'action="{accept_url(zelenskyy)}"') == 2
    assert '<input type="hidden" name="spelling" value="Zelenskyi">' in html


def test_accepting_a_proposal_records_the_name_with_its_history(seed, editor_client, editor):
    zelenskyy = Person.objects.get(slug="volodymyr-zelenskyy")
    response = editor_client.post(accept_url(zelenskyy), {"spelling": "Zelenskyi"}, follow=True)
    assert "“Zelenskyi” is now one of Volodymyr Zelenskyy’s other names." in (
        response.content.decode()
    )
    alias = zelenskyy.aliases.get(name="Zelenskyi")
    assert (alias.kind, alias.language) == (PersonAlias.Kind.TRANSLITERATION, "en")
    created = alias.history.get()
    assert (created.history_type, created.history_user) == ("+", editor)
    assert created.history_change_reason == "Accepted a proposed transliteration in the admin"
    assert "Zelenskyi" in set(
        PersonNameKey.objects.filter(alias=alias).values_list("spelling", flat=True)
    )
    assert zelenskyy.proposed_spellings() == [("Volodymyr Zelenskyi", "en")]


def test_a_spelling_that_is_not_proposed_is_refused_and_nothing_is_written(seed, editor_client):
    zelenskyy = Person.objects.get(slug="volodymyr-zelenskyy")
    before = PersonAlias.objects.count()
    for spelling in ["Zelensky", "Anything at all", ""]:
        response = editor_client.post(accept_url(zelenskyy), {"spelling": spelling}, follow=True)
        assert "is not a spelling proposed for Volodymyr Zelenskyy" in response.content.decode()
    assert PersonAlias.objects.count() == before
    assert editor_client.get(accept_url(zelenskyy)).status_code == 405


def test_an_editor_who_may_not_add_other_names_is_offered_none(seed, client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_person"),
        Permission.objects.get(codename="change_person"),
    )
    log_in_verified(client, viewer)
    zelenskyy = Person.objects.get(slug="volodymyr-zelenskyy")
    assert "Other spellings proposed" not in client.get(change_url(zelenskyy)).content.decode()
    assert client.post(accept_url(zelenskyy), {"spelling": "Zelenskyi"}).status_code == 403
    assert not zelenskyy.aliases.filter(name="Zelenskyi").exists()


def test_a_person_added_with_a_cyrillic_name_is_told_of_the_proposals_not_given_them(
    editor_client,
):
    response = editor_client.get("/admin/talks/person/add/")
    data = changeform_data(response)
    data.update(name="Andrii Sybiha", slug="andrii-sybiha")
    prefix = inline_prefix(response, PersonAlias)
    add_inline_row(data, prefix, name="Андрій Сибіга", kind="native", language="uk")
    response = editor_client.post("/admin/talks/person/add/", data)
    assert_saved(response)
    person = Person.objects.get(slug="andrii-sybiha")
    assert [alias.name for alias in person.aliases.all()] == ["Андрій Сибіга"]
    assert person.proposed_spellings() == []  # Andrii Sybiha is the name itself
    person.aliases.create(name="Сибіга", kind="native", language="uk")
    assert person.proposed_spellings() == []  # and Sybiha a word of it

    response = editor_client.get("/admin/talks/person/add/")
    data = changeform_data(response)
    data.update(name="Serhii Kyslytsya", slug="serhii-kyslytsya")
    add_inline_row(data, prefix, name="Сергій Кислиця", kind="native", language="uk")
    response = editor_client.post("/admin/talks/person/add/", data, follow=True)
    person = Person.objects.get(slug="serhii-kyslytsya")
    assert person.proposed_spellings() == [("Serhii Kyslytsia", "en")]
    assert "Other spellings of Serhii Kyslytsya’s name are proposed" in response.content.decode()
    assert [alias.name for alias in person.aliases.all()] == ["Сергій Кислиця"]
