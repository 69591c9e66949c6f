"""The readers' pages in each language: English at /claims/..., Ukrainian at /uk/claims/...,
the entrance in the browser's language; words, dates and language names in the reader's
language; search engines told of each version; the page cache never mixing them up."""

import datetime
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from talks.models import Meeting, Role
from talks.page_cache import cache_key

from .conftest import SEED_FIXTURE

pytestmark = pytest.mark.django_db

CLAIM = "zelenskyy-peace-plan-20-points"
PO_FILE = settings.BASE_DIR / "locale" / "uk" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def text_of(response):
    """The page as a reader sees it: text without tags, whitespace collapsed."""
    html = re.sub(r"<script\b.*?</script>", " ", response.content.decode(), flags=re.S)
    html = re.sub(r"</?(a|strong|em|span|time|q|mark)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_claim_page_reads_in_ukrainian(seed, client):
    response = client.get(f"/uk/claims/{CLAIM}/")
    page = text_of(response)
    assert response["Content-Language"] == "uk"
    assert '<html lang="uk">' in response.content.decode()
    for words in [
        "Перевірка фактів · опубліковано 5 грудня 2025",
        "Наш вердикт Правда",
        "5 за шкалою від 1 (неправда) до 5 (правда)",
        "Коли 2 грудня 2025",
        "Мова Англійська",
        "Звідки твердження",
        "Повторює твердження",
        "Виправлення",
    ]:
        assert words in page, words
    # The desk's own texts are as written, and marked as English for the reader's browser.
    assert '<blockquote class="claim-text" lang="en">' in response.content.decode()


def test_the_english_pages_keep_their_addresses_and_words(seed, client):
    response = client.get(f"/claims/{CLAIM}/")
    page = text_of(response)
    assert '<html lang="en">' in response.content.decode()
    assert "Fact check · published 5 December 2025" in page
    assert "Our verdict Accurate" in page
    assert "Language English" in page


def test_every_page_names_its_versions_for_search_engines(seed, client):
    html = client.get(f"/uk/claims/{CLAIM}/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/uk/claims/{CLAIM}/">' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver/claims/{CLAIM}/">' in html
    assert f'<link rel="alternate" hreflang="uk" href="http://testserver/uk/claims/{CLAIM}/">' in (
        html
    )
    assert f'hreflang="x-default" href="http://testserver/claims/{CLAIM}/"' in html
    # And the reader can switch: the other version is a link, this one is not.
    assert f'<a href="http://testserver/claims/{CLAIM}/" hreflang="en" lang="en">English</a>' in (
        html
    )
    assert '<span class="current-language" lang="uk" aria-current="true">Українська</span>' in html
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/uk/sitemap.xml" in robots


@pytest.mark.parametrize(
    ("accept_language", "list_address"),
    [
        ("uk,en;q=0.8", "/uk/claims/"),
        ("uk-UA", "/uk/claims/"),
        ("de, en;q=0.5", "/claims/"),
        ("", "/claims/"),
    ],
)
def test_the_entrance_opens_in_the_browsers_language(client, accept_language, list_address):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == list_address
    assert "Accept-Language" in response["Vary"]


def test_a_page_is_in_the_language_of_its_address_whatever_the_browser_asks(seed, client):
    english = client.get(f"/claims/{CLAIM}/", HTTP_ACCEPT_LANGUAGE="uk")
    assert "Our verdict" in text_of(english)
    ukrainian = client.get(f"/uk/claims/{CLAIM}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Наш вердикт" in text_of(ukrainian)


def test_a_ukrainian_page_is_never_served_to_an_english_reader(seed, client):
    """The page cache keys on the language as well as the address."""
    ukrainian = client.get(f"/uk/claims/{CLAIM}/")
    assert (ukrainian["X-Cache"], ukrainian["Content-Language"]) == ("miss", "uk")
    for _ in range(2):
        english = client.get(f"/claims/{CLAIM}/", HTTP_ACCEPT_LANGUAGE="uk")
        assert english["Content-Language"] == "en"
        assert "Our verdict" in text_of(english) and "Наш вердикт" not in text_of(english)
    assert english["X-Cache"] == "hit"
    again = client.get(f"/uk/claims/{CLAIM}/")
    assert (again["X-Cache"], again["Content-Language"]) == ("hit", "uk")
    assert "Наш вердикт" in text_of(again)

    request = RequestFactory().get(f"/claims/{CLAIM}/")
    assert cache_key("public-page", "en", request, edition=7) != cache_key(
        "public-page", "uk", request, edition=7
    )


def test_the_admin_stays_in_english_for_a_ukrainian_browser(editor_client):
    response = editor_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk")
    assert '<html lang="en"' in response.content.decode()


def test_the_search_speaks_ukrainian(seed, client):
    found = text_of(client.get("/uk/claims/", {"q": "Зеленського"}))
    assert "Знайдено 7 опублікованих тверджень, спершу найновіші" in found
    assert "Стосується: Volodymyr Zelenskyy, Зеленський" in found
    refused = client.get("/uk/claims/", {"published_from": "5 грудня"})
    assert refused.status_code == 400
    assert "Опубліковано з: Введіть коректну дату." in text_of(refused)


def test_a_source_names_its_language_in_words(seed, client):
    source = "/sources/article-2025-12-05-miami-talks/"
    assert "Language English" in text_of(client.get(source))
    assert "Мова Англійська" in text_of(client.get(f"/uk{source}"))


def test_dates_read_as_a_ukrainian_writes_them():
    day = datetime.date(2025, 11, 30)
    meeting = Meeting(start_date=day, date_precision=Meeting.DatePrecision.APPROXIMATE)
    role = Role(title="Envoy", start_date=day)
    with translation.override("uk"):
        assert meeting.date_label == "близько 30 листопада 2025"
        assert role.period_label == "30 листопада 2025 – дотепер"
    with translation.override("en"):
        assert meeting.date_label == "around 30 November 2025"
        assert role.period_label == "30 November 2025 – today"


def po_entries(path):
    """(context, message, translation or plural translations) of a .po file as
    ``makemessages --no-wrap`` writes it."""
    entries, entry = [], {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if match:
            entry[match.group(1)] = (
                match.group(2).encode().decode("unicode_escape").encode("latin-1").decode()
            )
        elif not line.strip() and entry:
            entries.append(entry)
            entry = {}
    return [e for e in entries if e.get("msgid")]


def test_the_compiled_translation_holds_every_string_of_the_po_file():
    """locale/uk/LC_MESSAGES/django.mo is committed; this fails when the .po changed after
    (rebuild with ``manage.py compilemessages``) or a string is left untranslated."""
    entries = po_entries(PO_FILE)
    assert len(entries) > 100
    with translation.override("uk"):
        for entry in entries:
            context, message = entry.get("msgctxt"), entry["msgid"]
            if "msgid_plural" in entry:
                expected = entry["msgstr[2]"]
                found = (
                    translation.npgettext(context, message, entry["msgid_plural"], 5)
                    if context
                    else translation.ngettext(message, entry["msgid_plural"], 5)
                )
            else:
                expected = entry["msgstr"]
                found = (
                    translation.pgettext(context, message)
                    if context
                    else translation.gettext(message)
                )
            assert expected, f"untranslated: {message}"
            assert found == expected, message
