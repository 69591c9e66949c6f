"""Every page type of the admin, opened in chromium at 1366 px by each editorial role: the
index, each list, add, change, delete confirmation, history, a past version, two versions
compared, and every view of the desk's own. No page may log a console error, break the
Content Security Policy, answer with a server error or be wider than the window.

Lean on purpose: one object per model, each page type once per role.
"""

import datetime
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from talks.models import Claim, Contradiction, ContradictionSuggestion, Meeting, Statement
from talks.services.suggestion_runs import refresh_suggestions

from ..conftest import SEED_FIXTURE, make_claim
from .conftest import log_in, overflow, watch

ROLES = ["Contributor", "Editor", "Chief editor"]


@pytest.fixture
def desk():
    """The seed, a claim saved twice (two versions to compare) and a pending suggestion."""
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    claim.verdict_rationale = "Both readouts agree."
    claim._change_reason = "A second version"
    claim.save()
    miami = Meeting.objects.get(slug="miami-talks-2025-11-30")
    Statement.objects.create(
        claim=make_claim(text="The Miami meeting was on 1 December."),
        kind="meeting_date",
        meeting=miami,
        date=datetime.date(2025, 12, 1),
    )
    refresh_suggestions(reason="crawl set-up")
    assert ContradictionSuggestion.objects.exists()


def _url(name, *args):
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def admin_pages():
    """(page type, URL) of every page type of every model admin, one object each."""
    pages = [("index", reverse("admin:index"))]
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        label = model._meta.label
        pages += [(f"{label} list", _url(f"{prefix}_changelist"))]
        pages += [(f"{label} add", _url(f"{prefix}_add"))]
        pages += [(f"{label} deleted", _url(f"{prefix}_deleted"))]
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        for view in ("change", "delete", "history"):
            pages.append((f"{label} {view}", _url(f"{prefix}_{view}", obj.pk)))
        history = getattr(model, "history", None)
        versions = list(history.filter(id=obj.pk).order_by("history_date")) if history else []
        if versions:
            pages.append(
                (f"{label} version", _url(f"{prefix}_simple_history", obj.pk, versions[0].pk))
            )
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    first, second = claim.history.order_by("history_date")[:2]
    contradiction = Contradiction.objects.get()
    pages += [
        ("compare two versions", f"{_url('talks_claim_history_compare', claim.pk)}"
         f"?from={first.history_id}&to={second.history_id}"),
        ("record a claim", _url("talks_claim_record")),
        ("flag from a claim", _url("talks_claim_flag_contradiction", claim.pk)),
        *(
            (f"contradiction {decision}", _url(f"talks_contradiction_{decision}", contradiction.pk))
            for decision in ("confirm", "dismiss", "resolve")
        ),
        ("suggestion", _url(
            "talks_contradictionsuggestion_change", ContradictionSuggestion.objects.first().pk
        )),
    ]  # fmt: skip
    return [(kind, url) for kind, url in pages if url]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_type_works_for_each_role(
    live_server, context, role_user, desk, role, capsys
):
    page = watch(context.new_page())
    log_in(page, live_server, role_user(role))
    failures, opened = [], {}
    for kind, url in admin_pages():
        before = len(page.problems)
        answer = page.goto(f"{live_server.url}{url}")
        if answer.status == 403:  # the browser logs the refusal itself as a console error
            page.problems[before:] = [
                problem for problem in page.problems[before:] if "status of 403" not in problem
            ]
        opened[answer.status] = opened.get(answer.status, 0) + 1
        if answer.status == 200:
            wide = overflow(page)
            if wide:
                failures.append(f"{kind} ({url}) is wider than the window: {wide}")
        elif answer.status not in (302, 403):  # a role may be refused a page, never a 500
            failures.append(f"{kind} ({url}) answered {answer.status}")
    failures += page.problems
    with capsys.disabled():
        counts = ", ".join(f"{n} × {status}" for status, n in sorted(opened.items()))
        print(f"\n{role}: {sum(opened.values())} admin pages ({counts}), {len(failures)} problems")
    assert failures == [], "\n".join(failures)
