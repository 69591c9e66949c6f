"""The forms editors fill in to flag, confirm, dismiss and resolve contradictions."""

from django import forms
from django.contrib import admin
from django.db.models import Case, When

from sources.admin.forms import CheckedAutocompleteSelect, CheckedModelChoiceField, reason_field

from ..models import Claim, Contradiction
from ..services.contradictions import resolution_correction

Kind = Contradiction.Kind
Verdict = Claim.Verdict


class ReasonForm(forms.Form):
    change_reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_reason"] = self.fields.pop("change_reason")  # asked last

    def reason(self, default):
        return self.cleaned_data["change_reason"].strip() or default


class FlagContradictionForm(ReasonForm):
    kind = forms.ChoiceField(choices=Kind.choices, help_text="What the two claims disagree on.")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why the two claims cannot both be true.",
    )


class FlagAgainstClaimForm(FlagContradictionForm):
    """Flag from one claim's page: the other claim is found by autocomplete."""

    other_claim = CheckedModelChoiceField(
        Claim.objects.all(),
        label="Contradicts",
        widget=CheckedAutocompleteSelect(Contradiction._meta.get_field("claim_b"), admin.site),
        help_text="Type a few words of the other claim, its claimant or its slug.",
    )
    field_order = ["other_claim", "kind", "note"]


class DismissForm(ReasonForm):
    change_reason = reason_field(required=True, label="Why dismiss it")


class ResolveForm(ReasonForm):
    """Which claim holds; optionally the corrected verdict of the one that does not."""

    prevailing_claim = CheckedModelChoiceField(
        Claim.objects.none(), label="The claim that holds", widget=forms.RadioSelect
    )
    resolution_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="What settled it: the evidence the desk found.",
    )
    verdict = forms.ChoiceField(
        choices=[("", "Keep it as it is"), *Verdict.choices],
        required=False,
        label="New verdict of the claim that does not hold",
    )
    verdict_rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        label="New rationale of the claim that does not hold",
        help_text="Left blank, the rationale stays as it is.",
    )

    def __init__(self, *args, contradiction, **kwargs):
        super().__init__(*args, **kwargs)
        choice = self.fields["prevailing_claim"]
        choice.queryset = Claim.objects.filter(
            pk__in=[contradiction.claim_a_id, contradiction.claim_b_id]
        ).order_by(Case(When(pk=contradiction.claim_a_id, then=0), default=1))
        choice.label_from_instance = lambda claim: (
            f"{'A' if claim.pk == contradiction.claim_a_id else 'B'} · {claim.label}"
        )
        self.contradiction = contradiction

    def clean(self):
        cleaned = super().clean()
        prevailing = cleaned.get("prevailing_claim")
        if prevailing is not None and not cleaned.get("change_reason", "").strip():
            explanation = resolution_correction(
                self.contradiction,
                prevailing,
                cleaned.get("verdict"),
                cleaned.get("verdict_rationale"),
            )
            if explanation:
                self.add_error("change_reason", explanation)
        return cleaned
