"""The one DRF router: every API resource registers here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
