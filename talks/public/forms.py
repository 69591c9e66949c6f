"""The readers' search and filters on the list of published claims."""

from itertools import chain

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sources.recently_used import TOP_ROWS, most_used
from sources.search_terms import search_terms

from .. import visibility
from ..models import Claim, ClaimSubject, Meeting, Person
from ..models.claim_search import WORDS_SEARCHED, ClaimSearch


class ClaimFilterForm(forms.Form):
    """Read from the query string; a value that does not fit says which field and why."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        required=False,
        choices=[("", _("Any verdict")), *Claim.Verdict.choices],
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=visibility.people(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("No person with published claims has that name.")},
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=visibility.meetings(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("No meeting with published claims has that name.")},
    )
    published_from = forms.DateField(label=_("Published from"), required=False)
    published_to = forms.DateField(
        label=pgettext_lazy("published from ... to", "to"), required=False
    )

    def clean_q(self):
        """At most ``WORDS_SEARCHED`` words or phrases: each is looked up on its own."""
        words = self.cleaned_data["q"]
        if len(list(search_terms(words))) > WORDS_SEARCHED:
            raise forms.ValidationError(
                _("Search for at most %(count)s words or phrases at a time."),
                params={"count": WORDS_SEARCHED},
            )
        return words

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and end < start:
            self.add_error("published_to", _("The last day is before the first day."))
        return cleaned

    @cached_property
    def search(self):
        """The search typed, which also says why each claim of a page matched."""
        return ClaimSearch(self.cleaned_data["q"] if self.is_valid() else "")

    def claims(self):
        """The published claims that match, newest first."""
        claims = visibility.claims()
        if not self.is_valid():
            return claims.none()
        data = self.cleaned_data
        return claims.filtered(
            search=self.search,
            verdict=data["verdict"],
            person=data["person"],
            meeting=data["meeting"],
            first_day=data["published_from"],
            last_day=data["published_to"],
        )

    def offered_people(self):
        """(slug, name) of the people the newest published claims involve most, and the one
        chosen: a desk with years of claims has tens of thousands, too many to list."""

        def involved_people():
            newest = self._newest_published
            return chain(
                (claimant for _, claimant, _ in newest),
                ClaimSubject.objects.filter(claim__any_of=[pk for pk, _, _ in newest])
                .order_by()  # its default order would join the claims
                .values_list("person", flat=True),
            )

        ids = most_used("public.people", involved_people, self._chosen_ids(Person, "person"))
        return Person.objects.filter(pk__in=ids).order_by("name").values_list("slug", "name")

    def offered_meetings(self):
        """(slug, title) of the meetings the newest published claims are about, and the one
        chosen."""
        ids = most_used(
            "public.meetings",
            lambda: (meeting for _, _, meeting in self._newest_published),
            self._chosen_ids(Meeting, "meeting"),
        )
        return Meeting.objects.filter(pk__in=ids).values_list("slug", "title")

    @cached_property
    def _newest_published(self):
        """(id, claimant, meeting) of the newest published claims, for both menus."""
        claims = visibility.claims().newest_first()
        return list(claims.values_list("pk", "claimant", "meeting")[:TOP_ROWS])

    def _chosen_ids(self, model, field):
        chosen = self.is_valid() and self.cleaned_data.get(field)
        return [chosen.pk] if chosen else []

    @property
    def is_filtered(self):
        return self.is_valid() and any(self.cleaned_data.values())
