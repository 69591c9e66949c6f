"""Whatever a signed-in editor puts in an admin URL, the answer is a page or a 4xx.

Hypothesis walks every URL pattern of the admin, resolved from the URLconf: it fills each
pattern's arguments with real ids, ids of other tables and malformed values, and adds query
parameters (those the list's own filters offer, those the admin's views read, and lookups no
list offers), as each editorial role. A server error fails the test with its URL.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLResolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .browser.test_admin_crawl import desk  # noqa: F401 (the seed, two versions, a suggestion)
from .conftest import make_claim
from .logins import log_in_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]

ROLES = ["Contributor", "Editor", "Chief editor"]
# What a stale link, a typing slip or an attacker puts where an id or a value goes.
MALFORMED = ["abc", "0", "-1", "1.5", "9" * 25, " ", "[", "(a*)*b", "0000-01-01", "9999-12-31"]
MALFORMED += ["10000-01-01", "x" * 300, ""]
# Parameters the admin's own views read, and lookups that no list offers.
PARAMETERS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters", "_facets"]
PARAMETERS += ["from", "to", "term", "app_label", "model_name", "field_name", "other_claim"]
PARAMETERS += ["pk__in", "id__gt", "text__regex", "title__iregex", "started_at__year"]
PARAMETERS += ["started_at__month", "started_at__day", "claimed_on__gte", "claimed_on__lt"]
# A pattern's arguments: <converter:name>, or a regular expression's group.
ARGUMENT = re.compile(r"<(?:\w+:)?\w+>|\((?:\?P<\w+>)?[^)]*\)")


def admin_patterns():
    """(route, model admin or None) of every admin URL pattern but the catch-all."""
    admins = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model_admin
        for model, model_admin in admin.site._registry.items()
    }

    def walk(patterns, prefix, model_admin):
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + route, admins.get(route))
            elif not route.startswith("(?P<url>"):
                yield prefix + route, model_admin

    return sorted(set(walk(admin.site.get_urls(), "/admin/", None)), key=lambda item: item[0])


def real_values(model_admin):
    """Ids and history ids of the model's rows, so that pages are reached, not only refused."""
    if model_admin is None:
        return ["talks", "sources", "1"]
    model = model_admin.model
    values = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:3]]
    history = getattr(model, "history", None)
    if history is not None:
        values += [str(pk) for pk in history.values_list("history_id", flat=True)[:3]]
    return values or ["1"]


def offered_parameters(client, model_admin):
    """The query parameters the list's own filters read."""
    if model_admin is None:
        return []
    opts = model_admin.model._meta
    page = client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
    if page.status_code != 200:
        return []
    specs = page.context["cl"].filter_specs
    return sorted({name for spec in specs for name in spec.expected_parameters()})


def role_client(django_user_model, role):
    user = django_user_model.objects.create_user(
        role.lower().replace(" ", "-"), password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client(raise_request_exception=False)
    log_in_verified(client, user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_url_answers_a_server_error(django_user_model, role):
    """On the browser crawl's desk, and a deleted claim for the deleted records' pages."""
    make_claim(text="A claim deleted by mistake.").delete()
    client = role_client(django_user_model, role)
    patterns = admin_patterns()
    admins = {model_admin for _, model_admin in patterns}
    values = {model_admin: real_values(model_admin) + MALFORMED for model_admin in admins}
    names = {
        model_admin: offered_parameters(client, model_admin) + PARAMETERS for model_admin in admins
    }

    @settings(
        max_examples=100,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def crawl(data):
        route, model_admin = data.draw(st.sampled_from(patterns))
        ids = st.sampled_from(values[model_admin])
        path = ARGUMENT.sub(lambda _: data.draw(ids), route)
        query = data.draw(
            st.dictionaries(
                st.sampled_from(names[model_admin]), ids | st.text(max_size=20), max_size=3
            )
        )
        response = client.get(path, query)

        assert response.status_code < 500, (path, query)

    crawl()
