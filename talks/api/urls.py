from .endpoints import api
from .reads import read_only_urls

app_name = api.urls_namespace
urlpatterns = read_only_urls(api.urls[0])
