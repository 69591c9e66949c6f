from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # The read API (talks/api/), with its OpenAPI schema and docs page; not translated.
    path("api/v1/", include("talks.api.urls")),
    # The readers' site in each language: English at /claims/..., Ukrainian at /uk/claims/...
    *i18n_patterns(path("", include("talks.public.urls")), prefix_default_language=False),
]

# A request whose database connection was lost is a 503, not a 500 (config/database_faults.py).
handler500 = "config.database_faults.server_error"
