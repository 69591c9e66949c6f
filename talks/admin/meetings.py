from django.contrib import admin
from django.db.models import OuterRef

from sources.admin.filters import RecentlyUsedValuesFilter, YearsFilter
from sources.admin.sources import CitationBaseInline, QuoteCheckShown
from sources.admin.tracked import NewestFirstAdmin, TrackedAdmin, TrackedInline
from sources.records import RowCount

from .. import visibility
from ..models import Meeting, MeetingCitation, Participant
from .public_links import PublicPageLink


class ParticipantInline(TrackedInline):
    model = Participant
    fields = ["person", "side", "role", "note"]
    autocomplete_fields = ["person"]


class MeetingCitationInline(CitationBaseInline):
    model = MeetingCitation
    verbose_name_plural = "Sources that report the meeting"


@admin.register(Meeting)
class MeetingAdmin(PublicPageLink, TrackedAdmin):
    public = staticmethod(visibility.meetings)
    list_display = ["title", "kind", "status", "start_date", "place", "participant_count"]
    list_filter = [
        "status",
        "kind",
        ("country", RecentlyUsedValuesFilter),
        ("start_date", YearsFilter),
    ]
    search_fields = ["title", "slug", "place", "country", "participants__person__name"]
    # Meta.ordering does not apply to the counting queryset below; autocomplete pages need one.
    ordering = Meeting._meta.ordering
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status"]}),
        (
            "When and where",
            {"fields": [("start_date", "end_date", "date_precision"), "place", "country"]},
        ),
        (None, {"fields": ["description"]}),
    ]
    inlines = [ParticipantInline, MeetingCitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                participant_total=RowCount(Participant.objects.filter(meeting=OuterRef("pk")))
            )
        )

    @admin.display(description="participants", ordering="participant_total")
    def participant_count(self, meeting):
        return meeting.participant_total


@admin.register(Participant)
class ParticipantAdmin(NewestFirstAdmin):
    list_display = ["person", "meeting", "side", "role"]
    list_filter = ["role", ("side", RecentlyUsedValuesFilter)]
    search_fields = ["person__name", "meeting__title", "side"]
    autocomplete_fields = ["person", "meeting"]
    list_select_related = ["person", "meeting"]


@admin.register(MeetingCitation)
class MeetingCitationAdmin(QuoteCheckShown, NewestFirstAdmin):
    readonly_fields = ["quote_check"]
    list_display = ["meeting", "source", "location", "relation"]
    search_fields = ["meeting__title", "source__title", "quote"]
    autocomplete_fields = ["meeting", "source"]
    list_select_related = ["meeting", "source"]
