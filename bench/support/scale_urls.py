"""The site's URLs plus `/bench/trivial/`: a view that passes every middleware and answers
two bytes without touching the database, the baseline every bench/scale.py ratio divides by."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site

TRIVIAL_URL = "/bench/trivial/"


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_URL.strip("/") + "/", trivial), *site]
