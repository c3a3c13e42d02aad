"""Root URLs: admin, the REST API (with its schema and docs), and the public pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims.views import api_token
from config.api import router

urlpatterns = [
    path("admin/api-token/", api_token, name="api-token"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include((router.urls, "api"))),
    path("", include("claims.urls")),
]
