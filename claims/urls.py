"""Public pages. An imported citekey is kept as it was, so it may hold ":", "-" or even "/"."""

from django.urls import path, register_converter

from claims import views
from config.api.url_keys import CitekeyConverter

register_converter(CitekeyConverter, "citekey")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("methodology/", views.methodology, name="methodology"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim-detail"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("references/<citekey:citekey>/", views.reference_detail, name="reference-detail"),
]
