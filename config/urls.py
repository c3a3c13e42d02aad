"""Root URLs: admin, the REST API, and the public pages."""

from django.contrib import admin
from django.urls import include, path

from config.api import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((router.urls, "api"))),
    path("", include("claims.urls")),
]
