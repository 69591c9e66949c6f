"""Whatever a reader or an editor types, the answer is a page or a 4xx, never a server error.

Hypothesis feeds arbitrary text to every public URL parameter and path, and to every field
of every admin add form. Django's test client raises on a 500, which fails the test.
"""

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .admin_forms import changeform_data

pytestmark = pytest.mark.django_db

# What a browser can send: any text but lone surrogates, which no form encoding carries.
typed = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
fuzzing = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PUBLIC_PARAMETERS = ["q", "verdict", "person", "meeting", "published_from", "published_to", "page"]
PUBLIC_PATHS = ["claims", "people", "meetings", "sources"]


@fuzzing
@given(parameters=st.dictionaries(st.sampled_from(PUBLIC_PARAMETERS), typed))
def test_public_list_answers_any_parameters(client, parameters):
    response = client.get("/claims/", parameters)

    assert response.status_code in (200, 400, 404)


@fuzzing
@given(
    kind=st.sampled_from(PUBLIC_PATHS), slug=st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True)
)
def test_public_detail_pages_answer_any_slug(client, kind, slug):
    assert client.get(f"/{kind}/{slug}/").status_code in (200, 404)


@fuzzing
@given(query=typed, page=typed, order=typed, status=typed)
def test_admin_claim_list_answers_any_parameters(editor_client, query, page, order, status):
    response = editor_client.get(
        reverse("admin:talks_claim_changelist"),
        {"q": query, "p": page, "o": order, "status__exact": status},
    )

    assert response.status_code in (200, 302, 400)


def admin_add_urls():
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        for model in admin.site._registry
        # The import run's add page is the fixture upload, fuzzed in tests/test_import*.py.
        if model._meta.app_label in ("sources", "talks") and model._meta.model_name != "importrun"
    )


@pytest.mark.parametrize("url", admin_add_urls())
def test_admin_add_forms_answer_any_field_values(editor_client, url):
    page = editor_client.get(url)
    if page.status_code != 200:  # records that are never added by hand (suggestions)
        assert page.status_code == 403
        return
    fields = [name for name in changeform_data(page) if "-" not in name]  # not the inlines
    fields += [bound.html_name for bound in page.context["adminform"].form]

    @fuzzing
    @given(values=st.fixed_dictionaries({name: typed for name in sorted(set(fields))}))
    def post(values):
        data = {**changeform_data(page), **values}
        assert editor_client.post(url, data).status_code in (200, 302, 400, 403)

    post()


@pytest.mark.parametrize("url", ["/claims/", "/admin/talks/claim/"])
def test_a_nul_character_in_a_parameter_is_a_bad_request(editor_client, url):
    """PostgreSQL refuses NUL in any query; found by the fuzzing above on a list filter."""
    response = editor_client.get(url, {"status__exact": "\x00", "q": "Mi\x00ami"})

    assert response.status_code == 400


@pytest.mark.parametrize("model_name", ["claimsubject", "contradiction", "meetingcitation"])
def test_an_id_beyond_any_database_integer_is_a_form_error(editor_client, model_name):
    """2**63 fits no 64-bit column; SQLite raised OverflowError on it. Found by the fuzzing."""
    url = f"/admin/talks/{model_name}/add/"
    data = {**changeform_data(editor_client.get(url))}
    data.update({name: str(2**63) for name in ("person", "claim_a", "meeting")})

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
