"""The public pages: published claims with their provenance, and who and what they concern.

Read-only. Each view asks the models' queryset methods for what it shows, in a fixed number
of queries whatever hangs off the page; ``public_page`` adds the rules every public page
shares and puts it in the page cache (``talks.public.cache.PublicPageCacheMiddleware``). Nothing
unpublished is reachable: a draft, a claim in review or a retracted claim is not found, and
the people, meetings and sources only a published claim reaches have pages at all.
"""

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from sources import history_chain
from sources.models import Source, SourceBasis
from sources.paginators import count_up_to
from sources.planner import planned_rows
from sources.provenance import ProvenanceMap

from .. import claim_versions, page_tags, visibility
from ..claim_versions import AsOfForm
from ..models import Citation, Claim, Role
from . import provenance_export
from .cache import public_page
from .claim_review import claim_review, json_ld_script
from .forms import ClaimFilterForm

CLAIMS_PER_PAGE = 20
# The list pages through the newest this many matches: counting every match of a common word
# at scale costs more than the page itself; dates, people and meetings narrow to older ones.
CLAIMS_LISTED = 1_000
EXPECTED_BEYOND_CAP = 10  # so many times more matches expected than listed: not counted
CLAIMS_ON_A_PAGE_ABOUT = 50  # a person's, meeting's or source's page; the list has them all


@require_safe
def entrance(request):
    """The front door: the list of fact checks in the language its address names (/uk/), else
    in the one the browser asks for (Accept-Language). Every other page's address names its
    language, so only this answer varies with the browser, and it is not cached here."""
    language = translation.get_language_from_path(
        request.path_info
    ) or translation.get_language_from_request(request)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("public:claims"))
    patch_vary_headers(response, ["Accept-Language"])
    return response


@public_page(lists=[Claim])
def claim_list(request):
    form = ClaimFilterForm(request.GET)
    paginator = CappedPaginator(form.claims(), CLAIMS_PER_PAGE, cap=CLAIMS_LISTED)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = form.search.explain(page.object_list)
    context = {
        "form": form,
        "page": page,
        "people": form.offered_people(),
        "meetings": form.offered_meetings(),
        "chosen": {name: form[name].value() or "" for name in ("verdict", "person", "meeting")},
    }
    return TemplateResponse(
        request, "talks/public/claim_list.html", context, status=200 if form.is_valid() else 400
    )


@public_page
def claim_detail(request, slug):
    claim = get_object_or_404(visibility.claims().with_provenance(), slug=slug)
    contradictions = (
        visibility.contradictions().involving(claim).select_related("claim_a", "claim_b")
    )
    corrections = claim.history.corrections()
    provenance = claim.provenance()
    page_tags.shows(claim)
    page_tags.shows_provenance(*provenance)
    url = request.build_absolute_uri(claim.get_absolute_url())
    review = claim_review(
        claim,
        url=url,
        publisher=publishing_organisation(request),
        source_url=source_link(request),
        corrections=corrections,
    )
    context = {
        "claim": claim,
        "canonical_url": url,
        "provenance": provenance,
        "origins": claim.independent_origins(),
        "contradictions": [
            {"record": c, "other": c.other_claim(claim), "holds": c.prevailing_claim_id}
            for c in contradictions
        ],
        "corrections": corrections,
        "updated_at": corrections[-1].made_at if corrections else None,
        "claim_review": json_ld_script(review),
        "provenance_url": reverse("public:claim-provenance", args=[claim.slug]),
    }
    return TemplateResponse(request, "talks/public/claim_detail.html", context)


@public_page
def claim_as_of(request, slug):
    """The claim as it stood at a moment (``?at=2025-12-03``): its text, verdict, citations
    and contradictions then, from its history. Only a moment when it was published shows
    anything; a moment that is no date is a 400 that says why."""
    claim = get_object_or_404(visibility.claims(), slug=slug)
    page_tags.shows(claim)
    form = AsOfForm(request.GET if "at" in request.GET else None)
    context = {"claim": claim, "form": form, "version": None}
    if not form.is_valid():  # nothing asked yet (200, the day to pick), or no date (400)
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "talks/public/claim_as_of.html", context, status=status)
    version = claim_versions.claim_as_of(claim.pk, form.cleaned_data["at"], public=True)
    context["version"] = version
    context["then"] = version.claim if visibility.version_is_public(version) else None
    status = 200 if context["then"] else 404
    return TemplateResponse(request, "talks/public/claim_as_of.html", context, status=status)


@public_page
def claim_provenance(request, slug):
    """The claim's chain of sources as W3C PROV-O in JSON-LD, as its page shows it."""
    claim = get_object_or_404(visibility.claims().with_provenance(), slug=slug)
    provenance = claim.provenance()
    page_tags.shows(claim)
    page_tags.shows_provenance(*provenance)
    document = provenance_export.claim_provenance(
        claim,
        absolute=request.build_absolute_uri,
        provenance=provenance,
        origins=claim.independent_origins(),
    )
    return JsonResponse(
        document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )


@public_page(lists=[Claim, Citation, SourceBasis])
def claim_review_feed(request):
    """Every published ClaimReview as a schema.org DataFeed, for fact-check aggregators: one
    document, each review with when it was published and last corrected, cached until a
    published claim, citation or source step changes."""
    claims = visibility.claims().with_provenance().newest_first()
    corrections = defaultdict(list)
    for change in Claim.history.filter(id__in=visibility.claims().values("pk")).corrections():
        corrections[change.claim_id].append(change)
    bases = ProvenanceMap(SourceBasis.objects.only("source", "basis"))
    publisher, source_url = publishing_organisation(request), source_link(request)
    elements = []
    for claim in claims:
        review = claim_review(
            claim,
            url=request.build_absolute_uri(claim.get_absolute_url()),
            publisher=publisher,
            source_url=source_url,
            corrections=corrections[claim.pk],
            bases=bases,
        )
        del review["@context"]  # the feed's own holds for every element
        element = {
            "@type": "DataFeedItem",
            "dateCreated": review["datePublished"],
            "dateModified": review["dateModified"],
            "item": review,
        }
        elements.append(element)
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.FACTDESK_PUBLISHER_NAME}: ClaimReview",
        "url": request.build_absolute_uri(),
        "dataFeedElement": elements,
    }
    if elements:
        feed["dateModified"] = max(element["dateModified"] for element in elements)
    return JsonResponse(
        feed, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )


@public_page
def person_detail(request, slug):
    people = visibility.people().prefetch_related(
        "aliases", Prefetch("roles", Role.objects.select_related("on_behalf_of"))
    )
    person = get_object_or_404(people, slug=slug)
    page_tags.shows(person)
    published = visibility.claims().select_related("claimant", "meeting").newest_first()
    context = {
        "person": person,
        "participations": visibility.participations(person)
        .select_related("meeting")
        .order_by("-meeting__start_date"),
        "claims_made": first_few(published.filter(claimant=person)),
        "claims_about": first_few(published.about(person)),
    }
    return TemplateResponse(request, "talks/public/person_detail.html", context)


@public_page
def meeting_detail(request, slug):
    meeting = get_object_or_404(visibility.meetings(), slug=slug)
    page_tags.shows(meeting)
    claims = visibility.claims().filter(meeting=meeting).select_related("claimant")
    context = {
        "meeting": meeting,
        "participants": meeting.participants.select_related("person").order_by(
            "side", "person__name"
        ),
        "claims": first_few(claims.newest_first()),
    }
    return TemplateResponse(request, "talks/public/meeting_detail.html", context)


@public_page
def source_detail(request, slug):
    source = Source.objects.filter(slug=slug).first()
    # Asked of a source that does not exist too, so that its 404 costs what an unpublished
    # source's does: the time would tell a reader that the slug is on the desk.
    if not visibility.source_is_public(source or Source(pk=0)) or source is None:
        raise Http404("No published claim rests on this source.")
    citing = visibility.claims().filter(citations__source=source).select_related("claimant")
    provenance = ProvenanceMap(SourceBasis.objects.upstream_of([source.pk])).tree(source)
    page_tags.shows(source)
    page_tags.shows_provenance(provenance)
    context = {
        "source": source,
        "provenance": provenance,
        "claims": first_few(citing.newest_first()),
        "changes": list(visibility.source_changes(source)),
    }
    return TemplateResponse(request, "talks/public/source_detail.html", context)


@require_safe
def healthz(request):
    """For load balancers and the benchmark's baseline: the app answers, and nothing else."""
    response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def readyz(request):
    """For load balancers that send readers only to servers whose database answers: one
    ``SELECT 1`` on the primary. ``/healthz`` stays the app alone, asking nothing of it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        response = HttpResponse("ready\n", content_type="text/plain")
    except DatabaseError:
        response = HttpResponse("the database does not answer\n", content_type="text/plain")
        response.status_code = 503
    response["Cache-Control"] = "no-store"
    return response


@public_page
def robots_txt(request):
    sitemaps = []
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            sitemaps.append(f"Sitemap: {request.build_absolute_uri(reverse('public:sitemap'))}\n")
    return HttpResponse(
        f"User-agent: *\nDisallow: /admin/\n{''.join(sitemaps)}", content_type="text/plain"
    )


class CappedPaginator(Paginator):
    """Counts no further than ``cap``: ``capped`` says whether more match. When PostgreSQL's
    planner expects many times more, nothing is counted: a common word's matches are found
    one in so many claims, and counting a thousand of them would test that many more."""

    def __init__(self, object_list, per_page, *, cap):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def matches(self):
        expected = planned_rows(self.object_list.order_by().values("pk"))
        if expected is not None and expected > EXPECTED_BEYOND_CAP * self.cap:
            return self.cap + 1
        return count_up_to(self.object_list, self.cap + 1)

    @cached_property
    def count(self):
        return min(self.matches, self.cap)

    @property
    def capped(self):
        return self.matches > self.cap


def first_few(claims):
    """The newest claims for a page about someone or something, and whether there are more."""
    found = list(claims[: CLAIMS_ON_A_PAGE_ABOUT + 1])
    return {"shown": found[:CLAIMS_ON_A_PAGE_ABOUT], "more": len(found) > CLAIMS_ON_A_PAGE_ABOUT}


def source_link(request):
    """The link for a source in ClaimReview: its own address when the desk has one, else the
    desk's page about it."""
    return lambda source: (
        source.web_url or request.build_absolute_uri(reverse("public:source", args=[source.slug]))
    )


def publishing_organisation(request):
    """The organisation that publishes the desk's work, as settings name it."""
    return {
        "name": settings.FACTDESK_PUBLISHER_NAME,
        "url": settings.FACTDESK_PUBLISHER_URL or request.build_absolute_uri("/"),
    }


@require_safe
def transparency(request):
    """The history's chain as it stood at the last round hour (sources/history_chain.py):
    kept by anyone, it would tell a rewrite of the desk's history. One query; not in the page
    cache, whose pages move on with the desk's edition, not with the clock."""
    response = TemplateResponse(
        request,
        "talks/public/transparency.html",
        {"checkpoint": history_chain.checkpoint()},
    )
    response["Cache-Control"] = "public, max-age=300"
    return response
