"""The readers' search: names in any script, every language's words, phrases, and why each
claim matched.

``SEARCHES`` is the table a reader's queries are checked against: the seed (English) and a
few claims in Ukrainian and Russian, found by words, stems, phrases, and by the names of the
people they are by or about in any spelling, inflected or transliterated. On SQLite, a word
matches as a substring of the texts (letters outside ASCII as typed) and names by their keys,
as on PostgreSQL; the rows marked ``POSTGRESQL`` need PostgreSQL's stemming, its case
folding of Cyrillic letters or its folding of accents.
"""

import importlib
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talks.language.spellings import word_keys
from talks.models import Claim, Person, PersonAlias
from talks.models.people import PersonNameKey

from .admin_forms import add_inline_row, assert_saved, changeform_data, inline_prefix
from .conftest import SEED_FIXTURE

pytestmark = pytest.mark.django_db

POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stems, Cyrillic case and accents: PostgreSQL's"
)


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def published(slug, text, language, **fields):
    return Claim.objects.create(
        slug=slug,
        text=text,
        language=language,
        status=Claim.Status.PUBLISHED,
        verdict=Claim.Verdict.ACCURATE,
        published_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def desk(seed):
    """The seed, and claims in Ukrainian and Russian that name people only in their words."""
    published(
        "uk-zaiava-zelenskoho",
        "Заява Зеленського: мирний план тепер має 20 пунктів.",
        "uk",
        claimant_label="Офіс Президента",
    )
    published("uk-delehatsii-v-maiami", "Делегації провели переговори в Маямі.", "uk")
    published(
        "ru-ushakov-bez-kompromissov",
        "Ушаков заявил, что переговоры в Москве не принесли компромиссов.",
        "ru",
    )
    published("uk-lipavsky", "Ліпавський (Lipavský) підтримав переговори.", "uk")


def listed(response):
    """The slugs of the claims a list page shows, in order."""
    html = response.content.decode()
    return re.findall(r'<a class="claim-item-text" href="/(?:uk/)?claims/([\w-]+)/"', html)


def admin_listed_claims(response):
    return re.findall(r'href="/admin/talks/claim/\d+/change/[^"]*">', response.content.decode())


# The seed's published claims by or about Volodymyr Zelenskyy, or naming him in their words.
ZELENSKYY = {
    "zelenskyy-negotiations-constructive",  # by him
    "zelenskyy-peace-plan-20-points",  # by him
    "headline-20-point-plan-discussed-in-miami",  # about him; "Zelenskyy’s 20-point plan"
    "umerov-clear-directives-from-president",  # about him
    "putin-met-witkoff-in-moscow-2025-12-02",  # "Zelenskyy’s announcement" in the reasons
    "rubio-productive-continuation-of-geneva",  # "Zelenskyy" in the reasons
    "miami-talks-concluded",  # the same
    "uk-zaiava-zelenskoho",  # "Заява Зеленського"
}
BY_OR_ABOUT_ZELENSKYY = {
    "zelenskyy-negotiations-constructive",
    "zelenskyy-peace-plan-20-points",
    "headline-20-point-plan-discussed-in-miami",
    "umerov-clear-directives-from-president",
}
USHAKOV = {
    "ushakov-no-compromises",  # by him
    "headline-moscow-talks-no-compromises",  # "Ushakov’s statement" in the reasons
    "putin-met-witkoff-in-moscow-2025-12-02",  # "Ushakov’s statement" in the reasons
    "ru-ushakov-bez-kompromissov",  # "Ушаков заявил"
}
PEACE_PLAN = {"zelenskyy-peace-plan-20-points", "headline-20-point-plan-discussed-in-miami"}

SEARCHES = [
    # Latin words and phrases
    pytest.param("zeppelin", set(), id="no match"),
    pytest.param('"peace plan"', PEACE_PLAN, id="phrase"),
    pytest.param(
        '"20-point peace plan"',
        {"headline-20-point-plan-discussed-in-miami"},
        id="phrase with a hyphen",
    ),
    pytest.param('"plan peace"', set(), id="phrase in another order"),
    pytest.param(
        "Geneva productive",
        {"rubio-productive-continuation-of-geneva"},
        id="every word must match",
    ),
    pytest.param(
        "plans",
        {*PEACE_PLAN, "stefanishyna-umerov-return-2025-12-04"},
        marks=POSTGRESQL,
        id="an English stem",
    ),
    # Cyrillic words
    pytest.param(
        "переговори",
        {"uk-delehatsii-v-maiami", "ru-ushakov-bez-kompromissov", "uk-lipavsky"},
        id="Ukrainian word, its Ukrainian and Russian forms",
    ),
    pytest.param(
        "делегація", {"uk-delehatsii-v-maiami"}, marks=POSTGRESQL, id="Ukrainian word, inflected"
    ),
    pytest.param(
        "компромисс", {"ru-ushakov-bez-kompromissov"}, marks=POSTGRESQL, id="Russian stem"
    ),
    pytest.param("Lipavsky", {"uk-lipavsky"}, marks=POSTGRESQL, id="accents folded"),
    # Names in any script and spelling
    pytest.param("Zelenskyy", ZELENSKYY, id="name as the desk writes it"),
    pytest.param("Зеленський", ZELENSKYY, id="name in Ukrainian"),
    pytest.param("Зеленский", ZELENSKYY, id="name in Russian"),
    pytest.param("Zelenskyi", ZELENSKYY, id="name, official Ukrainian transliteration"),
    pytest.param("Zelensky", ZELENSKYY, id="name, press spelling"),
    pytest.param("Зеленського", ZELENSKYY, id="name, Ukrainian genitive"),
    pytest.param("Zelenskyy's", ZELENSKYY, id="name, English possessive"),
    pytest.param('"Володимир Зеленський"', BY_OR_ABOUT_ZELENSKYY, id="whole name in Ukrainian"),
    pytest.param("Ushakov", USHAKOV, id="name, Latin, found in Russian text"),
    pytest.param("Ушакова", USHAKOV, id="name, Russian genitive"),
    pytest.param("Zelensky plan", PEACE_PLAN, id="a name and a word"),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_public_search_finds_what_a_reader_looks_for(desk, client, query, expected):
    assert set(listed(client.get("/claims/", {"q": query}))) == expected


@pytest.mark.parametrize(
    ("query", "found"), [('"peace plan"', 2), ('"20-point peace plan"', 1), ('"plan peace"', 0)]
)
def test_a_phrase_finds_the_same_claims_in_the_public_search_and_the_admin(
    seed, client, editor_client, query, found
):
    public = client.get("/claims/", {"q": query})
    admin = editor_client.get("/admin/talks/claim/", {"q": query, "status__exact": "published"})
    assert len(listed(public)) == len(admin_listed_claims(admin)) == found


# --- Why each claim matched ---------------------------------------------------------------------


def result_items(response):
    """Each listed claim's body as HTML, by slug."""
    return result_items_of(response.content.decode())


def result_items_of(html):
    items = re.findall(r'<div class="claim-item-body">(.*?)</div>', html, re.S)
    return {re.search(r"claims/([\w-]+)/", item).group(1): " ".join(item.split()) for item in items}


def marked_words(html):
    return {word for mark in re.findall(r"<mark>(.*?)</mark>", html) for word in mark.split()}


def test_each_result_marks_the_words_it_matched(desk, client):
    items = result_items(client.get("/claims/", {"q": '"peace plan"'}))
    item = items["zelenskyy-peace-plan-20-points"]
    text = re.search(r'class="claim-item-text"[^>]*>(.*?)</a>', item).group(1)
    assert re.sub(r"</?mark>", "", text) == "The peace plan now contains 20 points."
    assert marked_words(text) == {"peace", "plan"}


def test_a_match_in_the_verdicts_reasons_shows_a_snippet_of_them(desk, client):
    items = result_items(client.get("/claims/", {"q": "Zelenskyy"}))
    reasons = items["putin-met-witkoff-in-moscow-2025-12-02"]
    assert "In the verdict's reasons:" in reasons
    assert "<mark>Zelenskyy</mark>" in reasons


def test_a_claim_found_by_a_name_says_whose_and_by_which_spelling(desk, client):
    items = result_items(client.get("/claims/", {"q": "Зеленського"}))
    about = re.sub(r"<[^>]+>", "", items["umerov-clear-directives-from-president"])
    assert "About Volodymyr Zelenskyy, Зеленський" in about
    by = re.sub(r"<[^>]+>", "", items["zelenskyy-peace-plan-20-points"])
    assert "By Volodymyr Zelenskyy, Зеленський" in by
    # The name as typed is the name: nothing to add.
    items = result_items(client.get("/claims/", {"q": "Zelenskyy"}))
    names = re.search(r'class="matched-names">(.*?)</p>', items["zelenskyy-peace-plan-20-points"])
    assert re.sub(r"<[^>]+>", "", names.group(1)) == "By Volodymyr Zelenskyy"


def test_a_claim_found_in_another_script_marks_the_spelling_it_holds(desk, client):
    items = result_items(client.get("/claims/", {"q": "Zelenskyi"}))
    assert "<mark>Зеленськ" in items["uk-zaiava-zelenskoho"] or (
        "<mark>Зеленського</mark>" in items["uk-zaiava-zelenskoho"]
    )


@pytest.mark.parametrize("query", ["peace", "<b>peace</b>", '"<b>peace"', "\ue000peace"])
def test_the_marks_never_let_a_text_write_html(client, query):
    published(
        "markup",
        'The <b>peace</b> plan <script>alert("x")</script> \ue000peace\ue001 & more.',
        "en",
        verdict_rationale="<i>peace</i> in the reasons",
    )
    html = client.get("/claims/", {"q": query}).content.decode()
    listed_item = result_items_of(html)["markup"]
    assert "<b>" not in html and "<script>alert" not in html and "<i>" not in html
    assert "<mark>" in listed_item
    assert "\ue000" not in listed_item and "\ue001" not in listed_item
    if query == "peace":
        assert "&lt;b&gt;<mark>peace</mark>&lt;/b&gt;" in listed_item


def test_the_list_asks_as_many_queries_for_a_search_whatever_it_finds(desk, client):
    client.get("/claims/")  # the menus' counts, kept for five minutes

    def queries_for(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/claims/", {"q": query}).status_code == 200
        return len(queries)

    assert queries_for("Ushakov") == queries_for("Zelenskyy")  # 4 claims, and 8
    assert queries_for("Geneva productive") == queries_for('"peace plan"')  # 1, and 2


# --- The names' keys follow every write ---------------------------------------------------------


def found_people(word):
    return set(
        PersonNameKey.objects.filter(key__in=word_keys(word)).values_list("person__slug", flat=True)
    )


def spellings(person):
    return set(PersonNameKey.objects.filter(person=person).values_list("spelling", flat=True))


def test_a_person_is_found_by_their_names_as_they_are_saved():
    person = Person.objects.create(name="Andrii Sybiha", slug="andrii-sybiha")
    assert found_people("Sybiha") == {"andrii-sybiha"}
    alias = person.aliases.create(name="Андрій Сибіга", language="uk")
    assert found_people("Сибіги") == {"andrii-sybiha"}
    person.name = "Andrii Sybiha-Kovalenko"
    person.save()
    assert found_people("Kovalenko") == {"andrii-sybiha"}
    alias.name = "Сибига"
    alias.save()
    assert spellings(person) == {
        "Andrii", "Sybiha", "Kovalenko", "Andrii Sybiha-Kovalenko", "Сибига"
    }  # fmt: skip
    alias.delete()
    assert spellings(person) == {"Andrii", "Sybiha", "Kovalenko", "Andrii Sybiha-Kovalenko"}
    person.delete()
    assert not PersonNameKey.objects.exists()


def test_names_written_by_the_admin_its_inlines_and_its_deletes_are_found(editor_client):
    person = Person.objects.create(name="Marco Rubio", slug="marco-rubio")
    url = f"/admin/talks/person/{person.pk}/change/"
    response = editor_client.get(url)
    data = changeform_data(response)
    prefix = inline_prefix(response, PersonAlias)
    add_inline_row(data, prefix, name="Марко Рубіо", kind="native", language="uk")
    assert_saved(editor_client.post(url, data))
    assert spellings(person) == {"Marco", "Rubio", "Marco Rubio", "Марко", "Рубіо", "Марко Рубіо"}
    alias = person.aliases.get()
    response = editor_client.post(f"/admin/talks/personalias/{alias.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert spellings(person) == {"Marco", "Rubio", "Marco Rubio"}


def test_names_an_import_writes_are_found(seed):
    assert found_people("Зеленського") == {"volodymyr-zelenskyy"}
    assert found_people("Umerov") == {"rustem-umerov"}


def test_the_migration_fills_the_keys_as_saves_write_them(seed):
    written = set(PersonNameKey.objects.values_list("person", "alias", "key", "spelling"))
    PersonNameKey.objects.all().delete()
    migration = importlib.import_module("talks.migrations.0015_person_name_keys")
    migration.write_the_keys(apps, None)
    assert set(PersonNameKey.objects.values_list("person", "alias", "key", "spelling")) == written


# --- Index-backed at any size -------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_a_name_search_reads_the_keys_and_the_claims_through_their_indexes(
    desk, client, monkeypatch
):
    with CaptureQueriesContext(connection) as queries:
        client.get("/claims/", {"q": "Зеленського"})
    keys = next(q["sql"] for q in queries if "talks_personnamekey" in q["sql"])
    matching = next(
        q["sql"] for q in queries if "UNION ALL" in q["sql"] and "EXPLAIN" not in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for sql in (keys, matching):
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(line for (line,) in cursor.fetchall()))
    assert "talks_person_name_key" in plans[0]
    assert "talks_claim_search" in plans[1]
    assert "talks_claim_claimant_id" in plans[1]
    assert "talks_claimsubject_unique" in plans[1] or "claimsubject_person_id" in plans[1]


def test_a_search_of_too_many_words_says_so(client):
    response = client.get("/claims/", {"q": " ".join(f"word{n}" for n in range(11))})
    assert response.status_code == 400
    assert "Search for at most 10 words or phrases at a time." in response.content.decode()
    assert client.get("/claims/", {"q": '"one two three" four'}).status_code == 200
