"""The form that records a claim from an article in one page (``ClaimAdmin.record_view``):
the article picked or added by its URL, the claimant picked, added or typed as the article
names them, the quote and its place, the people the claim is about and its statements."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from sources.admin.autocomplete import option_label
from sources.admin.forms import (
    CheckedAutocompleteSelect,
    CheckedAutocompleteSelectMultiple,
    CheckedModelChoiceField,
    DatabaseRulesForm,
    reason_field,
)
from sources.models import Source

from ..models import Citation, Claim, ClaimSubject, Meeting, Person, Statement
from ..services.claims import NewSource

Status = Claim.Status


class DayInput(forms.DateInput):
    """The browser's own date picker: no script, and a phone's calendar on a phone."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _autocomplete(model, field_name, queryset, *, multiple=False, **options):
    """A choice field searched as the admin's autocomplete does."""
    db_field = model._meta.get_field(field_name)
    widget_class = CheckedAutocompleteSelectMultiple if multiple else CheckedAutocompleteSelect
    field_class = forms.ModelMultipleChoiceField if multiple else CheckedModelChoiceField
    return field_class(queryset, widget=widget_class(db_field, admin.site), **options)


def label_as_menus_do(form):
    """Name the chosen records as the admin's autocomplete menus name them."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            model_admin = admin.site.get_model_admin(field.queryset.model)
            field.label_from_instance = option_label(model_admin)


class RecordClaimForm(forms.Form):
    # The article
    source = _autocomplete(
        Citation,
        "source",
        Source.objects.all(),
        required=False,
        label="Article on record",
        help_text="Type a few words of its title or outlet. Or add it below.",
    )
    new_source_url = forms.URLField(
        label="or its URL",
        required=False,
        max_length=1000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 60}),
        help_text="A source already on record at this URL is used as it is.",
    )
    new_source_title = forms.CharField(
        label="Title",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    new_source_outlet = forms.CharField(label="Outlet", required=False, max_length=200)
    new_source_published_on = forms.DateField(
        label="Published on", required=False, widget=DayInput()
    )
    new_source_kind = forms.ChoiceField(
        label="Kind", choices=Source.Kind.choices, initial=Source.Kind.NEWS_ARTICLE
    )
    # The claim
    text = forms.CharField(
        label="Claim",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=Claim._meta.get_field("text").help_text,
    )
    claimant = _autocomplete(
        Claim,
        "claimant",
        Person.objects.all(),
        required=False,
        label="Claimant on record",
        help_text="Who made the claim, when the desk has them.",
    )
    new_claimant_name = forms.CharField(
        label="or a new person",
        required=False,
        max_length=200,
        help_text="Their name as the desk writes it: they are added to the people.",
    )
    claimant_label = forms.CharField(
        label="Claimant as reported",
        required=False,
        max_length=200,
        help_text=Claim._meta.get_field("claimant_label").help_text,
    )
    claimed_on = forms.DateField(label="Claimed on", required=False, widget=DayInput())
    meeting = _autocomplete(
        Claim,
        "meeting",
        Meeting.objects.all(),
        required=False,
        help_text=Claim._meta.get_field("meeting").help_text,
    )
    # Where it stands in the article
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=Citation._meta.get_field("quote").help_text,
    )
    location = forms.CharField(
        label="Where in the article",
        required=False,
        max_length=100,
        help_text=Citation._meta.get_field("location").help_text,
    )
    relation = forms.ChoiceField(
        choices=Citation.Relation.choices,
        initial=Citation.Relation.REPEATS,
        help_text=Citation._meta.get_field("relation").help_text,
    )
    subjects = _autocomplete(
        ClaimSubject,
        "person",
        Person.objects.all(),
        multiple=True,
        required=False,
        label="People it is about",
    )
    status = forms.ChoiceField(
        choices=[(Status.DRAFT, Status.DRAFT.label), (Status.IN_REVIEW, Status.IN_REVIEW.label)],
        initial=Status.DRAFT,
        help_text="Verdicts and publication come with the review, on the claim's page.",
    )
    change_reason = reason_field()

    # The form's fields by where the new source's errors land.
    NEW_SOURCE_FIELDS = {
        "url": "new_source_url",
        "title": "new_source_title",
        "outlet": "new_source_outlet",
        "published_on": "new_source_published_on",
        "kind": "new_source_kind",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_as_menus_do(self)

    def clean(self):
        cleaned = super().clean()
        self._clean_source(cleaned)
        self._clean_claimant(cleaned)
        return cleaned

    def new_source(self):
        data = self.cleaned_data
        return NewSource(
            url=data.get("new_source_url", ""),
            title=data.get("new_source_title", ""),
            kind=data.get("new_source_kind") or Source.Kind.NEWS_ARTICLE,
            outlet=data.get("new_source_outlet", ""),
            published_on=data.get("new_source_published_on"),
        )

    def _clean_source(self, cleaned):
        picked, url = cleaned.get("source"), cleaned.get("new_source_url")
        if picked and url:
            self.add_error("new_source_url", "Pick the article or give its URL, not both.")
            return
        if picked or "new_source_url" in self.errors:
            return
        if not url:
            self.add_error("source", "Pick the article, or give its URL and title to add it.")
            return
        new_source = self.new_source()
        if new_source.existing() is not None:
            return
        if not new_source.title:
            self.add_error("new_source_title", "A new source needs its title.")
            return
        try:
            new_source.build().full_clean(exclude=["slug"])
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                self.add_error(self.NEW_SOURCE_FIELDS.get(name), messages)

    def _clean_claimant(self, cleaned):
        name = cleaned.get("new_claimant_name", "").strip()
        if name and cleaned.get("claimant"):
            self.add_error("new_claimant_name", "Pick the claimant or name a new one, not both.")
        elif name:
            try:
                Person(name=name).full_clean(exclude=["slug"])
            except ValidationError as invalid:
                self.add_error("new_claimant_name", invalid.messages)


class StatementForm(DatabaseRulesForm):
    """One statement of the new claim; the claim is set when it is saved."""

    class Meta:
        model = Statement
        fields = ["kind", "person", "on_behalf_of", "meeting", "date", "place"]
        widgets = {
            "date": DayInput(),
            **{
                name: CheckedAutocompleteSelect(Statement._meta.get_field(name), admin.site)
                for name in ["person", "on_behalf_of", "meeting"]
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_as_menus_do(self)


StatementFormSet = forms.formset_factory(StatementForm, extra=2)
