"""The researcher API, version 1 (project-level: routes every app's API package)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from campaigns.api import views as campaigns
from core.api.docs import RedocDocsView, SwaggerDocsView
from twinning.api import views as twinning

router = DefaultRouter(trailing_slash=True)
router.register("places", twinning.PlaceViewSet, basename="place")
router.register("pairings", campaigns.PairingWithCampaignsViewSet, basename="pairing")
router.register("events", twinning.EventViewSet, basename="event")
router.register("agreements", twinning.AgreementViewSet, basename="agreement")
router.register("sources", twinning.SourceWithPairingViewSet, basename="source")
router.register("campaigns", campaigns.CampaignViewSet, basename="campaign")
router.register("organisations", campaigns.OrganisationViewSet, basename="organisation")
router.register("petitions", campaigns.PetitionViewSet, basename="petition")

v1 = [
    path("stats/", twinning.StatsView.as_view(), name="stats"),
    path("drift/", twinning.DriftView.as_view(), name="drift"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("docs/", SwaggerDocsView.as_view(url_name="v1:schema"), name="api-docs"),
    path("redoc/", RedocDocsView.as_view(url_name="v1:schema"), name="api-redoc"),
]
