from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from ..models import Claim
from . import views
from .cache import public_page
from .feeds import ClaimFeed
from .sitemaps import SITEMAPS

app_name = "public"

urlpatterns = [
    path("", views.entrance, name="entrance"),
    path("claims/", views.claim_list, name="claims"),
    path("feed/", public_page(ClaimFeed(), lists=[Claim]), name="feed"),
    path("claimreview.json", views.claim_review_feed, name="claim-review-feed"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim"),
    path("claims/<slug:slug>/as-of/", views.claim_as_of, name="claim-as-of"),
    path(
        "claims/<slug:slug>/provenance.jsonld",
        views.claim_provenance,
        name="claim-provenance",
    ),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index, lists=[Claim]),
        {
            "sitemaps": SITEMAPS,
            "sitemap_url_name": "public:sitemap-section",
            "template_name": "talks/public/sitemap_index.xml",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap, lists=[Claim]),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("transparency/", views.transparency, name="transparency"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
