"""Public pages (server-rendered): the page layer, composing every domain app."""

from django.urls import include, path

from campaigns.models import Campaign
from sources.models import Source
from web import feeds
from web.caching import public_page
from web.sitemaps import model_sitemap, sitemap_index, sitemap_section, sitemaps
from web.views import compare, corrections, drift, follows, pairing_extras, registry, search, site

SITEMAPS = sitemaps(
    {"campaigns": model_sitemap(Campaign.objects.all(), 0.5), "sources": model_sitemap(Source.objects.all(), 0.3)}
)

urlpatterns = [
    path("", site.home, name="home"),
    path("pairings/", registry.pairing_list, name="pairing-list"),
    path("search/suggest/", search.suggest, name="search-suggest"),
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
    # Sitemaps are answered from the page cache until the register changes (crawlers fetch every
    # section; one computed takes ~50-80 ms at 300,000 pairings).
    path("sitemap.xml", public_page(sitemap_index), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-<slug:section>.xml", public_page(sitemap_section), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", site.robots_txt, name="robots"),
    path("correction/", corrections.correction, name="correction"),
    path("correction/thanks/", corrections.correction_thanks, name="correction-thanks"),
    path("pairings/<slug:slug>/correction/", corrections.correction, name="correction-pairing"),
    path("pairings/<slug:slug>/history/", pairing_extras.pairing_history, name="pairing-history"),
    path("pairings/<slug:slug>/cite.bib", pairing_extras.pairing_cite_bibtex, name="pairing-cite-bibtex"),
    path("pairings/<slug:slug>/cite.json", pairing_extras.pairing_cite_csl, name="pairing-cite-csl"),
    path("pairings/<slug:slug>/badge.svg", pairing_extras.pairing_badge, name="pairing-badge"),
    path("pairings/<slug:slug>/embed/", pairing_extras.pairing_embed, name="pairing-embed"),
    path("follow/sent/", follows.follow_sent, name="follow-sent"),
    path("follow/confirm/<str:token>/", follows.follow_confirm, name="follow-confirm"),
    path("follow/unsubscribe/<str:token>/", follows.follow_unsubscribe, name="follow-unsubscribe"),
    path("follow/place/<slug:slug>/", follows.follow, {"kind": "place"}, name="follow-place"),
    path("follow/campaign/<slug:slug>/", follows.follow, {"kind": "campaign"}, name="follow-campaign"),
    path("compare/", compare.compare, name="compare"),
    path("i18n/", include("django.conf.urls.i18n")),
]
