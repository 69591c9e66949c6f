"""Flag, compare, decide: the editors' contradiction cycle in the admin, and its record.

Flagging from the claim list (with the right and the wrong selections) and from a claim's
page; the warning and the publishing confirmation while a contradiction stands; confirm,
dismiss and resolve, and the decisions refused because they make no sense. Every step is
checked for its history row: who, and why.
"""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from talks.models import Citation, Claim, ClaimSubject, Contradiction, ContradictionSuggestion
from talks.models.contradictions import ContradictionRefused
from talks.services import contradictions as decisions

from .conftest import make_claim, make_meeting, make_person, make_source
from .logins import log_in_verified
from .test_history_paths import assert_saved, changeform_data

pytestmark = pytest.mark.django_db

Status = Contradiction.Status
CHANGELIST = "admin:talks_claim_changelist"


def cited_claim(text, quote, source_title, **fields):
    claim = make_claim(text=text, **fields)
    Citation.objects.create(
        claim=claim, source=make_source(title=source_title), quote=quote, location="paragraph 10"
    )
    return claim


@pytest.fixture
def pair():
    """The seed's two claims in miniature: Biden's negotiators, and Trump's envoy."""
    biden_claim = cited_claim(
        "The follow-up meeting was planned with President Biden's negotiators.",
        "Plans included a follow-up meeting with President Biden's negotiators.",
        "Stefanishyna's statement",
        claimant=make_person(name="Olga Stefanishyna"),
        status=Claim.Status.IN_REVIEW,
    )
    trump_claim = cited_claim(
        "Steve Witkoff, a U.S. envoy of the Trump administration, met Putin in Moscow.",
        "U.S. Special Representative for the Middle East Steve Witkoff",
        "The Miami talks article",
        claimant_label="The article itself",
        meeting=make_meeting(title="Putin–Witkoff meeting in Moscow"),
        status=Claim.Status.PUBLISHED,
        verdict=Claim.Verdict.ACCURATE,
    )
    return biden_claim, trump_claim


def flag(claim_a, claim_b, user, **fields):
    fields.setdefault("kind", Contradiction.Kind.ROLE)
    fields.setdefault("note", "Biden was no longer president.")
    return decisions.flag_contradiction(
        claim_a=claim_a, claim_b=claim_b, user=user, reason="Flagged in a test", **fields
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def flag_action(client, claims, **confirmation):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "flag_as_contradiction",
            "_selected_action": [claim.pk for claim in claims],
            **confirmation,
        },
    )


# -- The "Flag as contradiction" action -----------------------------------------------------


def test_flag_action_shows_both_claims_side_by_side_before_flagging(editor_client, pair):
    response = flag_action(editor_client, pair)

    assert response.status_code == 200
    assert "admin/talks/claim/flag_contradiction.html" in [t.name for t in response.templates]
    page = response.content.decode()
    for expected in [
        "planned with President Biden&#x27;s negotiators.",
        "met Putin in Moscow.",
        "Plans included a follow-up meeting with President Biden&#x27;s negotiators.",
        "U.S. Special Representative for the Middle East Steve Witkoff",
        "Stefanishyna&#x27;s statement",
        "The Miami talks article",
        "Olga Stefanishyna",
        "Putin–Witkoff meeting in Moscow",
        "paragraph 10",
    ]:
        assert expected in page
    assert not Contradiction.objects.exists()


def test_confirming_the_flag_opens_a_contradiction_recorded_with_user_and_reason(
    editor_client, editor, pair
):
    response = flag_action(
        editor_client, pair, confirm="1", kind="role", note="Biden left office in January."
    )

    assert response.status_code == 302
    contradiction = Contradiction.objects.get()
    assert (contradiction.claim_a, contradiction.claim_b) == pair
    assert (contradiction.kind, contradiction.status, contradiction.flagged_by) == (
        Contradiction.Kind.ROLE,
        Status.OPEN,
        editor,
    )
    assert contradiction.note == "Biden left office in January."
    record = contradiction.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        "Flagged as a contradiction from the claim list",
    )
    change_url = reverse("admin:talks_contradiction_change", args=[contradiction.pk])
    assert messages_of(response) == [
        f'Flagged as an open contradiction: <a href="{change_url}">{escape(contradiction)}</a>.'
    ]


def test_the_reason_typed_on_the_confirmation_page_goes_to_the_history(editor_client, pair):
    flag_action(
        editor_client, pair, confirm="1", kind="role", note="N", change_reason="From the desk"
    )

    assert Contradiction.history.get().history_change_reason == "From the desk"


@pytest.mark.parametrize("selected", [1, 3])
def test_flag_action_wants_exactly_two_claims(editor_client, selected):
    claims = [make_claim() for _ in range(selected)]

    response = flag_action(editor_client, claims, confirm="1", kind="role", note="N")

    assert response.status_code == 302
    assert messages_of(response) == [
        f"Select exactly two claims to flag a contradiction; you selected {selected}."
    ]
    assert not Contradiction.objects.exists()


def test_flag_action_refuses_a_pair_already_flagged_in_either_order(editor_client, editor, pair):
    flag(pair[1], pair[0], editor)

    response = flag_action(editor_client, pair, confirm="1", kind="date", note="Again")

    assert messages_of(response) == [
        "These two claims are already flagged as contradicting (open)."
    ]
    assert Contradiction.objects.count() == 1
    assert Contradiction.history.count() == 1


def test_flag_action_without_a_note_asks_again(editor_client, pair):
    response = flag_action(editor_client, pair, confirm="1", kind="role", note="")

    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["This field is required."]}
    assert not Contradiction.objects.exists()


def test_only_editors_who_may_add_contradictions_can_flag(client, django_user_model, pair):
    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_claim", "change_claim", "delete_claim"])
    )
    log_in_verified(client, clerk)

    actions = client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices
    flag_page = reverse("admin:talks_claim_flag_contradiction", args=[pair[0].pk])

    assert [name for name, _ in actions] == ["", "delete_selected"]
    assert client.get(flag_page).status_code == 403
    assert flag_action(client, pair, confirm="1", kind="role", note="N").status_code == 302
    assert not Contradiction.objects.exists()


# -- From a claim's page --------------------------------------------------------------------


def test_flagging_from_a_claims_page_against_a_claim_found_by_autocomplete(
    editor_client, editor, pair
):
    biden_claim, trump_claim = pair
    url = reverse("admin:talks_claim_flag_contradiction", args=[biden_claim.pk])
    page = editor_client.get(url).content.decode()
    assert 'data-model-name="contradiction"' in page and 'data-field-name="claim_b"' in page
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "talks", "model_name": "contradiction", "field_name": "claim_b"}
        | {"term": "Witkoff"},
    ).json()
    assert [result["id"] for result in found["results"]] == [str(trump_claim.pk)]

    response = editor_client.post(
        url, {"other_claim": trump_claim.pk, "kind": "role", "note": "Two presidents."}
    )

    contradiction = Contradiction.objects.get()
    assert response.url == reverse("admin:talks_contradiction_change", args=[contradiction.pk])
    assert (contradiction.claim_a, contradiction.claim_b) == pair
    record = contradiction.history.get()
    assert (record.history_user, record.history_change_reason) == (
        editor,
        "Flagged as a contradiction from the claim's page",
    )


def test_flagging_a_claim_against_itself_on_its_page_is_refused(editor_client, pair):
    claim = pair[0]
    url = reverse("admin:talks_claim_flag_contradiction", args=[claim.pk])

    response = editor_client.post(url, {"other_claim": claim.pk, "kind": "role", "note": "N"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"other_claim": ["A claim cannot contradict itself."]}
    assert not Contradiction.objects.exists()


def test_a_claims_page_lists_its_contradictions_and_warns_while_one_stands(
    editor_client, editor, pair
):
    biden_claim, trump_claim = pair
    standing = flag(biden_claim, trump_claim, editor)
    settled = flag(biden_claim, make_claim(text="Biden's team met in Kyiv."), editor)
    decisions.dismiss_contradiction(settled, user=editor, reason="Different meetings")
    url = reverse("admin:talks_claim_change", args=[biden_claim.pk])

    response = editor_client.get(url)

    assert [other for _, other in response.context["contradictions"]] == [
        settled.claim_b,
        trump_claim,
    ]
    page = response.content.decode()
    assert 'id="contradiction-warning"' in page
    assert reverse("admin:talks_contradiction_change", args=[standing.pk]) in page

    decisions.resolve_contradiction(
        standing, prevailing_claim=trump_claim, resolution_note="Trump", user=editor, reason="R"
    )
    assert 'id="contradiction-warning"' not in editor_client.get(url).content.decode()


def test_publishing_a_claim_with_an_unresolved_contradiction_asks_for_confirmation(
    editor_client, editor, pair
):
    biden_claim, trump_claim = pair
    flag(biden_claim, trump_claim, editor)
    url = reverse("admin:talks_claim_change", args=[biden_claim.pk])
    data = changeform_data(editor_client.get(url))
    data.update(status=Claim.Status.PUBLISHED, verdict=Claim.Verdict.FALSE)

    refused = editor_client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["publish_despite_contradiction"] == [
        "This claim has an unresolved contradiction. Tick the box to publish it anyway, or "
        "resolve the contradiction first."
    ]
    biden_claim.refresh_from_db()
    assert biden_claim.status == Claim.Status.IN_REVIEW

    data.update(publish_despite_contradiction="on", change_reason="Publishing as false")
    assert_saved(editor_client.post(url, data))

    biden_claim.refresh_from_db()
    assert biden_claim.status == Claim.Status.PUBLISHED
    record = biden_claim.history.latest()
    assert (record.history_user, record.history_change_reason) == (editor, "Publishing as false")


def test_a_claim_without_contradictions_publishes_without_the_question(editor_client):
    claim = make_claim(status=Claim.Status.IN_REVIEW)
    url = reverse("admin:talks_claim_change", args=[claim.pk])
    data = changeform_data(editor_client.get(url))
    data.update(status=Claim.Status.PUBLISHED, verdict=Claim.Verdict.ACCURATE)

    assert_saved(editor_client.post(url, data))

    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED


# -- The contradiction's own pages: compare, confirm, dismiss, resolve ------------------------


def decide(client, contradiction, transition, **answers):
    url = reverse(f"admin:talks_contradiction_{transition}", args=[contradiction.pk])
    return client.post(url, answers)


def test_the_change_page_shows_both_claims_and_the_decisions_that_make_sense(
    editor_client, editor, pair
):
    contradiction = flag(*pair, editor)
    url = reverse("admin:talks_contradiction_change", args=[contradiction.pk])

    response = editor_client.get(url)

    assert response.context["claims"] == list(pair)
    assert response.context["decisions"] == ["confirm", "dismiss", "resolve"]
    assert "U.S. Special Representative for the Middle East" in response.content.decode()

    decisions.confirm_contradiction(contradiction, user=editor, reason="Yes")
    assert editor_client.get(url).context["decisions"] == ["dismiss", "resolve"]


def test_confirming_records_user_and_reason(editor_client, editor, pair):
    contradiction = flag(*pair, editor)
    page = editor_client.get(reverse("admin:talks_contradiction_confirm", args=[contradiction.pk]))
    assert page.context["claims"] == list(pair)

    response = decide(editor_client, contradiction, "confirm", change_reason="Both checked")

    assert response.url == reverse("admin:talks_contradiction_change", args=[contradiction.pk])
    contradiction.refresh_from_db()
    assert contradiction.status == Status.CONFIRMED
    record = contradiction.history.latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~",
        editor,
        "Both checked",
    )


def test_dismissing_needs_a_reason_and_records_it(editor_client, editor, pair):
    contradiction = flag(*pair, editor)

    without = decide(editor_client, contradiction, "dismiss", change_reason="  ")
    assert without.status_code == 200
    assert without.context["form"].errors == {"change_reason": ["This field is required."]}
    with pytest.raises(ContradictionRefused, match="Say why the contradiction is dismissed."):
        decisions.dismiss_contradiction(contradiction, user=editor, reason="")
    contradiction.refresh_from_db()
    assert contradiction.status == Status.OPEN

    decide(editor_client, contradiction, "dismiss", change_reason="Two different envoys")

    contradiction.refresh_from_db()
    assert (contradiction.status, contradiction.resolved_by) == (Status.DISMISSED, editor)
    assert contradiction.resolution_note == "Two different envoys"
    record = contradiction.history.latest()
    assert (record.history_user, record.history_change_reason) == (editor, "Two different envoys")


def test_resolving_decides_which_claim_holds_and_corrects_the_other_verdict_in_one_step(
    editor_client, editor, pair
):
    biden_claim, trump_claim = pair
    contradiction = flag(biden_claim, trump_claim, editor)
    trump_history = trump_claim.history.count()

    decide(
        editor_client,
        contradiction,
        "resolve",
        prevailing_claim=trump_claim.pk,
        resolution_note="Trump is president since 20 January 2025.",
        verdict=Claim.Verdict.FALSE,
        verdict_rationale="Biden left office on 20 January 2025.",
        change_reason="Checked against the inauguration",
    )

    contradiction.refresh_from_db()
    assert (contradiction.status, contradiction.prevailing_claim) == (
        Status.RESOLVED,
        trump_claim,
    )
    assert (contradiction.resolved_by, contradiction.resolution_note) == (
        editor,
        "Trump is president since 20 January 2025.",
    )
    assert contradiction.resolved_at is not None
    biden_claim.refresh_from_db()
    assert (biden_claim.verdict, biden_claim.verdict_rationale) == (
        Claim.Verdict.FALSE,
        "Biden left office on 20 January 2025.",
    )
    for obj in (contradiction, biden_claim):
        record = obj.history.latest()
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "~",
            editor,
            "Checked against the inauguration",
        )
    assert trump_claim.history.count() == trump_history  # the claim that holds is untouched


def test_resolving_without_a_new_verdict_leaves_both_claims_alone(editor_client, editor, pair):
    contradiction = flag(*pair, editor)
    before = Claim.history.count()

    decide(
        editor_client,
        contradiction,
        "resolve",
        prevailing_claim=pair[1].pk,
        resolution_note="Trump is president.",
    )

    contradiction.refresh_from_db()
    assert contradiction.status == Status.RESOLVED
    assert contradiction.history.latest().history_change_reason == (
        f"Resolved in the admin: “{pair[1].excerpt()}” holds"
    )
    assert Claim.history.count() == before


def test_resolving_for_a_draft_without_a_reason_puts_no_draft_in_the_public_log(
    client, editor_client, editor, pair
):
    in_review, published = pair
    contradiction = flag(in_review, published, editor)
    answers = {"prevailing_claim": in_review.pk, "resolution_note": "Checked the readout."}

    refused = decide(editor_client, contradiction, "resolve", verdict="false", **answers)
    decide(editor_client, contradiction, "resolve", **answers)

    assert f"“{published.excerpt()}” is published: say why its text, verdict or status" in (
        refused.content.decode()
    )
    published.refresh_from_db()
    assert published.verdict == Claim.Verdict.ACCURATE
    contradiction.refresh_from_db()
    assert contradiction.status == Status.RESOLVED
    assert contradiction.history.latest().history_change_reason == "Resolved in the admin"
    for page in (published.get_absolute_url(), "/feed/"):
        html = client.get(page).content.decode()
        assert in_review.slug not in html and in_review.excerpt() not in html, page


def test_a_verdict_corrected_by_a_resolution_shows_readers_the_editors_reason(
    client, editor_client, editor, pair
):
    in_review, published = pair
    contradiction = flag(in_review, published, editor)

    decide(
        editor_client,
        contradiction,
        "resolve",
        prevailing_claim=in_review.pk,
        resolution_note="Checked the readout.",
        verdict="misleading",
        change_reason="The readout names Biden's team",
    )

    published.refresh_from_db()
    assert published.verdict == Claim.Verdict.MISLEADING
    assert "The readout names Biden&#x27;s team" in (
        client.get(published.get_absolute_url()).content.decode()
    )


def test_a_resolution_that_breaks_a_rule_changes_nothing(editor, pair):
    contradiction = flag(*pair, editor)

    with pytest.raises(ContradictionRefused, match="cannot be changed so"):
        decisions.resolve_contradiction(
            contradiction,
            prevailing_claim=pair[0],
            resolution_note="Biden's team after all.",
            verdict="not-a-verdict",
            user=editor,
            reason="R",
        )

    contradiction.refresh_from_db()
    pair[1].refresh_from_db()
    assert (contradiction.status, contradiction.prevailing_claim) == (Status.OPEN, None)
    assert pair[1].verdict == Claim.Verdict.ACCURATE
    assert contradiction.history.count() == 1


def test_the_claim_that_holds_must_be_one_of_the_pair(editor, pair):
    contradiction = flag(*pair, editor)

    with pytest.raises(ContradictionRefused, match="must be one of the two claims"):
        decisions.resolve_contradiction(
            contradiction,
            prevailing_claim=make_claim(),
            resolution_note="N",
            user=editor,
            reason="R",
        )


def settle(contradiction, status, user):
    """Bring a contradiction to ``status`` the way editors do."""
    if status == Status.CONFIRMED:
        decisions.confirm_contradiction(contradiction, user=user, reason="Confirmed")
    elif status == Status.DISMISSED:
        decisions.dismiss_contradiction(contradiction, user=user, reason="Not one")
    elif status == Status.RESOLVED:
        decisions.resolve_contradiction(
            contradiction,
            prevailing_claim=contradiction.claim_b,
            resolution_note="B holds",
            user=user,
            reason="Resolved",
        )


REFUSED = [
    (Status.DISMISSED, "resolve", "This contradiction is dismissed; only open or confirmed "
     "ones can be resolved."),
    (Status.DISMISSED, "confirm", "This contradiction is dismissed; only open ones can be "
     "confirmed."),
    (Status.RESOLVED, "dismiss", "This contradiction is resolved; only open or confirmed "
     "ones can be dismissed."),
    (Status.RESOLVED, "resolve", "This contradiction is resolved; only open or confirmed "
     "ones can be resolved."),
    (Status.CONFIRMED, "confirm", "This contradiction is confirmed; only open ones can be "
     "confirmed."),
]  # fmt: skip


@pytest.mark.parametrize(("status", "transition", "message"), REFUSED)
def test_a_decision_that_makes_no_sense_is_refused_with_a_message(
    editor_client, editor, pair, status, transition, message
):
    contradiction = flag(*pair, editor)
    settle(contradiction, status, editor)
    records = contradiction.history.count()

    response = decide(
        editor_client,
        contradiction,
        transition,
        prevailing_claim=pair[0].pk,
        resolution_note="N",
        change_reason="R",
    )

    assert response.url == reverse("admin:talks_contradiction_change", args=[contradiction.pk])
    assert messages_of(response) == [message]
    contradiction.refresh_from_db()
    assert contradiction.status == status
    assert contradiction.history.count() == records


def test_the_decision_fields_cannot_be_edited_on_the_change_form(editor_client, editor, pair):
    contradiction = flag(*pair, editor)
    url = reverse("admin:talks_contradiction_change", args=[contradiction.pk])
    data = changeform_data(editor_client.get(url))
    data.update(status=Status.RESOLVED, prevailing_claim=pair[0].pk, note="Better wording")

    assert_saved(editor_client.post(url, data))

    contradiction.refresh_from_db()
    assert (contradiction.status, contradiction.prevailing_claim, contradiction.note) == (
        Status.OPEN,
        None,
        "Better wording",
    )


def test_adding_a_contradiction_in_its_admin_goes_through_flagging(editor_client, editor, pair):
    suggestion = ContradictionSuggestion.objects.create(
        claim_a=pair[0], claim_b=pair[1], rule="role", explanation="Two presidents."
    )
    url = reverse("admin:talks_contradiction_add")
    data = changeform_data(editor_client.get(url))
    data.update(claim_a=pair[0].pk, claim_b=pair[1].pk, kind="role", note="Two presidents.")

    assert_saved(editor_client.post(url, data))

    contradiction = Contradiction.objects.get()
    assert (contradiction.flagged_by, contradiction.status) == (editor, Status.OPEN)
    suggestion.refresh_from_db()
    assert suggestion.status == ContradictionSuggestion.Status.FLAGGED
    assert contradiction.history.get().history_change_reason == "Added in the admin"


# -- The list, and the history on both claims ------------------------------------------------


def test_the_contradiction_list_filters_by_status_kind_person_and_meeting(editor_client, editor):
    witkoff, rubio = make_person(name="Steve Witkoff"), make_person(name="Marco Rubio")
    moscow, miami = make_meeting(title="Moscow talks"), make_meeting(title="Miami talks")
    about_witkoff = make_claim(meeting=moscow)
    ClaimSubject.objects.create(claim=about_witkoff, person=witkoff)
    in_moscow = flag(about_witkoff, make_claim(), editor)
    in_miami = flag(make_claim(claimant=rubio, meeting=miami), make_claim(), editor, kind="date")
    decisions.confirm_contradiction(in_miami, user=editor, reason="Yes")
    url = reverse("admin:talks_contradiction_changelist")

    def listed(**filters):
        return list(editor_client.get(url, filters).context["cl"].result_list)

    assert listed(person=witkoff.pk) == [in_moscow]
    assert listed(person=rubio.pk) == [in_miami]
    assert listed(meeting=miami.pk) == [in_miami]
    assert listed(status=Status.OPEN) == [in_moscow]
    assert listed(kind=Contradiction.Kind.DATE) == [in_miami]


def test_each_claims_history_shows_the_contradictions_steps(editor_client, editor, pair):
    contradiction = flag(*pair, editor)
    decisions.resolve_contradiction(
        contradiction,
        prevailing_claim=pair[1],
        resolution_note="Trump",
        user=editor,
        reason="Resolved after checking",
    )

    for claim in pair:
        response = editor_client.get(reverse("admin:talks_claim_history", args=[claim.pk]))
        steps = [
            (entry.action, entry.record.status, entry.record.history_user)
            for entry in response.context["entries"]
            if entry.subject == "contradiction"
        ]
        assert steps == [
            ("changed", Status.RESOLVED, editor),
            ("added", Status.OPEN, editor),
        ]
        assert "Resolved after checking" in response.content.decode()
