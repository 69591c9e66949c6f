"""A claim as it stood at a given moment, read back from its history: its text, verdict,
citations (with their sources as they stood) and contradictions.

The readers' as-of page and the admin's ask the same question (``claim_as_of``) in a fixed
number of queries: one per history table, each row the newest at or before the moment for
its record, picked in Python from that record's rows. Whether a version may be shown to
readers is ``talks.visibility``'s rule (``version_is_public``).
"""

import datetime
import re
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sources.models import Source

from . import visibility
from .models import Citation, Claim, Contradiction

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AsOfForm(forms.Form):
    """The moment asked for: a day (as it stood at the end of that day) or a time, in ISO 8601
    (``2025-12-03``, ``2025-12-03T14:30``, ``2025-12-03T14:30:00.250Z``); not in the future."""

    at = forms.CharField(
        label=gettext_lazy("As it stood on"),
        max_length=40,
        help_text=gettext_lazy(
            "A day (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM, UTC unless it says)."
        ),
        error_messages={
            "required": gettext_lazy("Give a day (YYYY-MM-DD) to see the claim as it stood then.")
        },
    )

    def clean_at(self):
        text = self.cleaned_data["at"].strip()
        now = timezone.now()
        try:
            if DAY.match(text):
                day = datetime.date.fromisoformat(text)
                moment = min(
                    timezone.make_aware(datetime.datetime.combine(day, datetime.time.max)), now
                )
            else:
                moment = parse_datetime(text.replace(" ", "T"))
                if moment is None:
                    raise ValueError(text)
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
        except (ValueError, OverflowError):
            raise forms.ValidationError(
                _(
                    "“%(text)s” is not a date: give a day as YYYY-MM-DD, "
                    "or a time as YYYY-MM-DDTHH:MM."
                ),
                params={"text": text[:40]},
            ) from None
        if moment > now:
            raise forms.ValidationError(_("That moment is in the future: the record ends now."))
        return moment


@dataclass
class ContradictionThen:
    record: Contradiction
    other: Claim


@dataclass
class ClaimVersion:
    """The claim at ``moment``: ``claim`` the version then (a ``Claim`` built from its history
    row, None when the desk had no record of it yet), with its citations and contradictions."""

    moment: datetime.datetime
    claim: Claim | None
    recorded_at: datetime.datetime | None = None
    first_recorded_at: datetime.datetime | None = None
    citations: list = field(default_factory=list)
    contradictions: list = field(default_factory=list)


def _latest(rows, moment):
    """The newest history row at or before ``moment`` of each record (rows oldest first),
    records deleted by then left out."""
    latest = {}
    for row in rows:
        if row.history_date <= moment:
            latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


def _record(row):
    """The record a history row holds, built from the row alone: simple-history's
    ``instance`` reads the live row for each field it does not keep (a claim's search
    document), a query per version."""
    return row.instance_type(
        **{field.attname: getattr(row, field.attname) for field in row.tracked_fields}
    )


def _ordered(queryset):
    return queryset.order_by("id", "history_date", "history_id")


def claim_as_of(claim_id, moment, *, public=False):
    """The claim ``claim_id`` as it stood at ``moment``, in six queries whatever it carries.
    ``public``: only what readers could see then (a contradiction decided then, between two
    claims published then)."""
    rows = list(_ordered(Claim.history.filter(id=claim_id)))
    version = ClaimVersion(moment=moment, claim=None)
    version.first_recorded_at = rows[0].history_date if rows else None
    then = [row for row in rows if row.history_date <= moment]
    if not then or then[-1].history_type == "-":
        return version
    version.claim, version.recorded_at = _record(then[-1]), then[-1].history_date

    ever_cited = Citation.history.filter(claim_id=claim_id).values("id")
    citations = [
        row
        for row in _latest(_ordered(Citation.history.filter(id__in=ever_cited)), moment)
        if row.claim_id == claim_id
    ]
    source_ids = {row.source_id for row in citations}
    sources = Source.objects.in_bulk(source_ids)  # a source since deleted has its history row
    for row in _latest(_ordered(Source.history.filter(id__in=source_ids)), moment):
        sources[row.id] = _record(row)
    for row in sorted(citations, key=lambda row: (row.relation, row.id)):
        citation = _record(row)
        if row.source_id in sources:
            citation.source = sources[row.source_id]
            version.citations.append(citation)

    either = Q(claim_a_id=claim_id) | Q(claim_b_id=claim_id)
    contradictions = _latest(_ordered(Contradiction.history.filter(either)), moment)
    others = {_other_id(row, claim_id) for row in contradictions}
    other_claims = {
        row.id: _record(row)
        for row in _latest(_ordered(Claim.history.filter(id__in=others)), moment)
    }
    for row in contradictions:
        other = other_claims.get(_other_id(row, claim_id))
        if other is None:
            continue
        if public and not visibility.contradiction_is_public(row, version.claim, other):
            continue
        version.contradictions.append(ContradictionThen(_record(row), other))
    return version


def _other_id(row, claim_id):
    return row.claim_b_id if row.claim_a_id == claim_id else row.claim_a_id
