"""Admin POST data built from the rendered form, as a browser would submit it."""

import pytest


def form_values(form):
    """What a browser submits for an unbound form as rendered: each field's initial value."""
    values = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        values[bound.html_name] = "on" if value is True else value
    return values


def changeform_data(response):
    """POST data for a rendered admin form: the main form, and every inline formset with its
    management form ("citations-TOTAL_FORMS", ...) and its existing rows."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_values(form))
    return data


def inline_prefix(response, model):
    """The form prefix of the inline editing ``model``, as the page renders it."""
    prefixes = {
        inline.formset.model: inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
    }
    return prefixes[model]


def add_inline_row(data, prefix, **fields):
    """Add one new row to an inline formset, as the "Add another" link does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})


def inline_row_index(data, prefix, obj):
    """The index of the inline row that edits ``obj``."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    return next(i for i in range(total) if data.get(f"{prefix}-{i}-id") == obj.pk)


def assert_saved(response):
    """The admin redirects after a successful write; otherwise show what the form refused."""
    if response.status_code == 302:
        return
    context = response.context
    errors = []
    if context and "adminform" in context:
        errors.append(context["adminform"].form.errors)
        for inline in context.get("inline_admin_formsets", []):
            errors.append(inline.formset.errors)
            errors.append(inline.formset.non_form_errors())
    pytest.fail(f"the admin did not save (status {response.status_code}): {errors}")
