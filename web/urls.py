"""Public pages (server-rendered): the page layer, composing every domain app."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from campaigns import views as campaign_views
from campaigns.models import Campaign
from sources.models import Source
from twinning import feeds, views
from twinning.sitemaps import model_sitemap, sitemaps

SITEMAPS = sitemaps(
    {"campaigns": model_sitemap(Campaign.objects.all(), 0.5), "sources": model_sitemap(Source.objects.all(), 0.3)}
)

urlpatterns = [
    path("", views.home, name="home"),
    path("pairings/", campaign_views.pairing_list, name="pairing-list"),
    path("pairings/<slug:slug>/", campaign_views.pairing_detail, name="pairing-detail"),
    path("places/<slug:slug>/", campaign_views.place_detail, name="place-detail"),
    path("places/<slug:slug>/feed/", feeds.PlaceDecisionsFeed(), name="place-feed"),
    path("campaigns/", campaign_views.campaign_list, name="campaign-list"),
    path("campaigns/<slug:slug>/", campaign_views.campaign_detail, name="campaign-detail"),
    path("campaigns/<slug:slug>/feed/", campaign_views.CampaignDecisionsFeed(), name="campaign-feed"),
    path("sources/<int:pk>/", campaign_views.source_detail, name="source-detail"),
    path("map/", views.map_view, name="map"),
    path("stats/", views.stats, name="stats"),
    path("about/", views.about, name="about"),
    path("data/", views.data, name="data"),
    path("data/files/<path:name>", views.data_file, name="data-file"),
    path("feeds/decisions/", feeds.DecisionsFeed(), name="feed-decisions"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("i18n/", include("django.conf.urls.i18n")),
]
