"""The readers' search and filters on the list of published claims."""

from django import forms

from .models import Claim, Meeting, Person


class ClaimFilterForm(forms.Form):
    """Read from the query string; a value that does not fit says which field and why."""

    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)
    verdict = forms.ChoiceField(
        required=False, choices=[("", "Any verdict"), *Claim.Verdict.choices]
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.public(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "No person with published claims has that name."},
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.public(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "No meeting with published claims has that name."},
    )
    published_from = forms.DateField(label="Published from", required=False)
    published_to = forms.DateField(label="to", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and end < start:
            self.add_error("published_to", "The last day is before the first day.")
        return cleaned

    def claims(self):
        """The published claims that match, newest first."""
        claims = Claim.objects.published()
        if not self.is_valid():
            return claims.none()
        data = self.cleaned_data
        claims = claims.search(data["q"]).published_between(
            data["published_from"], data["published_to"]
        )
        if data["verdict"]:
            claims = claims.filter(verdict=data["verdict"])
        if data["person"]:
            claims = claims.involving(data["person"])
        if data["meeting"]:
            claims = claims.filter(meeting=data["meeting"])
        return claims.select_related("claimant", "meeting").newest_first()

    @property
    def is_filtered(self):
        return self.is_valid() and any(self.cleaned_data.values())
