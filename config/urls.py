from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fact desk"
admin.site.site_title = "Fact desk admin"
admin.site.index_title = "Claims, sources, people and meetings"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("talks.public.urls")),
]
