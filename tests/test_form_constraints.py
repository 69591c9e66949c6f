"""No database rule reaches the database through an admin form: each one is a form error.

The walk below takes every form the admin shows (each model's add form and each inline's row)
and every ``Meta.constraints`` entry that reads a field of it, so a new constraint or a new
form is covered as soon as it exists: a rule with no bad row to try it fails the walk.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from sources.admin.forms import constraint_fields
from talks.models import Claim

from .admin_forms import changeform_data
from .conftest import make_claim
from .test_constraints import (
    BAD_ROWS,
    CHOICE_FIELDS,
    LINK_CONSTRAINTS,
    choices_rule,
    same_link_again,
    unsaved,
)

pytestmark = pytest.mark.django_db


def bad_row_builders():
    """Each constraint's name, and a function making a row that breaks it."""
    builders = {bad_row.rule: bad_row.build for bad_row in BAD_ROWS}
    builders.update(
        {rule: (lambda m=model, r=rule: same_link_again(m, r)) for model, rule in LINK_CONSTRAINTS}
    )

    def outside_the_choices(model, field):
        row = unsaved(model)
        setattr(row, field, "not-a-choice")
        return row

    builders.update(
        {
            choices_rule(model, field): (lambda m=model, f=field: outside_the_choices(m, f))
            for model, field in CHOICE_FIELDS
        }
    )
    return builders


def admin_forms():
    """(label, model, form class) for every add form and inline row form of the admin."""
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        # An admin whose add page is a view of its own (an import's upload) has no model form.
        model_form_page = type(model_admin).add_view is admin.ModelAdmin.add_view
        if model_form_page and model_admin.has_add_permission(request):
            yield model._meta.label, model, model_admin.get_form(request, None)
        for inline in model_admin.get_inline_instances(request, None):
            form = inline.get_formset(request, None).form
            yield f"{model._meta.label} › {inline.model._meta.label}", inline.model, form


def reachable_rules():
    """(form label, model, form class, constraint) where the form shows a field the
    constraint reads: every database rule an admin form can break."""
    cases = []
    for label, model, form_class in admin_forms():
        for constraint in model._meta.constraints:
            if constraint_fields(constraint) & set(form_class.base_fields):
                cases.append((label, model, form_class, constraint))
    return cases


def form_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def bound_like_an_editor(model, form_class, bad):
    """The form of a new row, filled in as ``bad`` is; the fields the form does not show keep
    ``bad``'s values, as the rest of the row would be written."""
    fresh = model()
    for field in model._meta.concrete_fields:
        if field.name not in form_class.base_fields and not field.generated:
            setattr(fresh, field.attname, getattr(bad, field.attname))
    data = {
        name: form_value(model._meta.get_field(name).value_from_object(bad))
        for name in form_class.base_fields
        if name in {field.name for field in model._meta.concrete_fields}
    }
    return form_class(data, instance=fresh)


RULES = reachable_rules()


def test_the_walk_finds_the_rules_of_the_main_forms_and_of_inline_rows():
    names = {constraint.name for _, _, _, constraint in RULES}
    assert {
        "talks_claim_published_has_verdict",
        "talks_citation_unique",
        "talks_statement_acts_for_shape",
        "talks_contradiction_not_self",
    } <= names


@pytest.mark.parametrize(
    ("label", "model", "form_class", "constraint"),
    RULES,
    ids=[f"{label}: {constraint.name}" for label, _, _, constraint in RULES],
)
def test_every_rule_an_admin_form_can_break_is_a_form_error(label, model, form_class, constraint):
    builders = bad_row_builders()
    assert constraint.name in builders, (
        f"{constraint.name} has no bad row to try it: add one to tests/test_constraints.py"
    )
    bad = builders[constraint.name]()
    form = bound_like_an_editor(model, form_class, bad)

    assert not form.is_valid(), f"{label}: the form accepts a row breaking {constraint.name}"
    # Each refusal stands beside a field the editor can correct, not only at the top.
    assert set(form.errors) <= set(form.fields), form.errors


def test_publishing_without_a_verdict_is_an_error_on_the_status_on_the_add_form(
    editor_client,
):
    add_url = reverse("admin:talks_claim_add")
    data = changeform_data(editor_client.get(add_url))
    data.update(text="The talks ended without a date for the next round.", status="published")

    response = editor_client.post(add_url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"status": ["A published claim needs a verdict and a publication time."]}
    assert not Claim.objects.exists()


def test_publishing_without_a_verdict_is_an_error_on_the_status_on_the_change_form(
    editor_client,
):
    claim = make_claim(text="The delegations will meet again in Geneva.")
    change_url = reverse("admin:talks_claim_change", args=[claim.pk])
    data = changeform_data(editor_client.get(change_url))
    data.update(status="published")

    response = editor_client.post(change_url, data)

    assert response.status_code == 200
    assert "A published claim needs a verdict" in response.content.decode()
    assert response.context["adminform"].form.errors.keys() == {"status"}
    claim.refresh_from_db()
    assert (claim.status, claim.published_at) == ("draft", None)
