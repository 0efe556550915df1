"""Public pages (server-rendered): the page layer, composing every domain app."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from campaigns.models import Campaign
from sources.models import Source
from web import feeds
from web.sitemaps import model_sitemap, sitemaps
from web.views import drift, registry, site

SITEMAPS = sitemaps(
    {"campaigns": model_sitemap(Campaign.objects.all(), 0.5), "sources": model_sitemap(Source.objects.all(), 0.3)}
)

urlpatterns = [
    path("", site.home, name="home"),
    path("pairings/", registry.pairing_list, name="pairing-list"),
    path("pairings/<slug:slug>/", registry.pairing_detail, name="pairing-detail"),
    path("places/<slug:slug>/", registry.place_detail, name="place-detail"),
    path("places/<slug:slug>/feed/", feeds.PlaceDecisionsFeed(), name="place-feed"),
    path("campaigns/", registry.campaign_list, name="campaign-list"),
    path("campaigns/<slug:slug>/", registry.campaign_detail, name="campaign-detail"),
    path("campaigns/<slug:slug>/feed/", feeds.CampaignDecisionsFeed(), name="campaign-feed"),
    path("sources/<int:pk>/", registry.source_detail, name="source-detail"),
    path("drift/", drift.drift, name="drift"),
    path("drift.csv", drift.drift_csv, name="drift-csv"),
    path("drift/quickstatements.txt", drift.drift_quickstatements, name="drift-quickstatements"),
    path("map/", site.map_view, name="map"),
    path("stats/", site.stats, name="stats"),
    path("stats/<slug:table>.csv", site.stats_csv, name="stats-csv"),
    path("about/", site.about, name="about"),
    path("data/", site.data, name="data"),
    path("data/files/<path:name>", site.data_file, name="data-file"),
    path("feeds/decisions/", feeds.DecisionsFeed(), name="feed-decisions"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", site.robots_txt, name="robots"),
    path("i18n/", include("django.conf.urls.i18n")),
]
