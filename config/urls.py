"""Root URLs: admin, the REST API (with its schema and docs), and the public pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims.views import api_token
from config.api import router

urlpatterns = [
    path("admin/api-token/", api_token, name="api-token"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include((router.urls, "api"))),
    path("", include("claims.urls")),
]
