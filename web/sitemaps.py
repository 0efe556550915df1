"""sitemap.xml: the static pages, every place and pairing (campaigns are added in web.urls)."""

from django.contrib.sitemaps import GenericSitemap, Sitemap
from django.urls import reverse

from twinning.models import Pairing, Place


class I18nSitemap:
    """Every page in each language (/… and /zh-hant/…), each URL naming its alternates and x-default
    (hreflang in the sitemap, as in the pages' heads)."""

    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(I18nSitemap, Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "pairing-list", "map", "stats", "about", "data", "campaign-list"]

    def location(self, item):
        return reverse(item)


class I18nGenericSitemap(I18nSitemap, GenericSitemap):
    pass


def model_sitemap(queryset, priority: float) -> GenericSitemap:
    return I18nGenericSitemap({"queryset": queryset.order_by("pk"), "date_field": "updated_at"}, priority=priority)


def sitemaps(extra: dict | None = None) -> dict:
    return {
        "static": StaticSitemap,
        "pairings": model_sitemap(Pairing.objects.all(), 0.8),
        "places": model_sitemap(Place.objects.all(), 0.6),
        **(extra or {}),
    }
