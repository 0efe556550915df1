"""sitemap.xml: an index of sections (the static pages, then places, pairings, campaigns and sources in
pages of SECTION_ITEMS records), each URL in both languages with its alternates and x-default."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date

from twinning.models import Pairing, Place

# Records per section page. Each record is one URL per language (2 today), so a page holds 5,000 URLs,
# well under the protocol's 50,000, and renders in well under a second.
SECTION_ITEMS = 2_500


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


class ModelSitemap(I18nSitemap, Sitemap):
    """A model's public pages, paged by primary key. The same URLs, alternates and lastmod as Django's
    i18n GenericSitemap, without its cost at scale: that one lists every record in every language for
    each page and reverses four URLs per record; this one reads a page of (key, updated_at) rows and
    formats paths from one reversed template per language."""

    limit = SECTION_ITEMS

    def __init__(self, queryset, priority: float, *, route: str, key: str = "slug"):
        self.queryset = queryset.order_by("pk").only("pk", key, "updated_at")
        self.priority = priority
        self.route = route
        self.key = key

    @property
    def paginator(self):
        return Paginator(self.queryset, self.limit)

    def get_latest_lastmod(self):
        return self.queryset.order_by("-updated_at").values_list("updated_at", flat=True).first()

    def page_lastmods(self) -> list[dt.datetime]:
        """The latest change on each page, page 1 first (one query)."""
        numbered = self.queryset.values("updated_at").annotate(row=Window(RowNumber(), order_by=F("pk").asc()))
        sql, params = numbered.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (t.row - 1) / %s AS page, max(t.updated_at) FROM ({sql}) t GROUP BY 1 ORDER BY 1",
                [self.limit, *params],
            )
            return [stamp for _page, stamp in cursor.fetchall()]

    def _templates(self) -> dict[str, str]:
        marker = "999999999999" if self.key == "pk" else "sitemap-marker"
        templates = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                templates[code] = reverse(self.route, kwargs={self.key: marker}).replace(marker, "{}")
        return templates

    def _urls(self, page, protocol, domain):
        base = f"{protocol}://{domain}"
        templates = self._templates()
        default = settings.LANGUAGE_CODE
        urls, latest = [], None
        for obj in self.paginator.page(page).object_list:
            value = getattr(obj, self.key)
            locations = {code: base + template.format(value) for code, template in templates.items()}
            alternates = [{"location": loc, "lang_code": code} for code, loc in locations.items()]
            if default in locations:
                alternates.append({"location": locations[default].replace(f"/{default}/", "/", 1), "lang_code": "x-default"})
            lastmod = obj.updated_at
            latest = lastmod if latest is None or lastmod > latest else latest
            for code, loc in locations.items():
                urls.append(
                    {
                        "item": (obj, code),
                        "location": loc,
                        "lastmod": lastmod,
                        "changefreq": None,
                        "priority": str(self.priority),
                        "alternates": alternates,
                    }
                )
        if latest is not None:
            self.latest_lastmod = latest
        return urls


    def page_rows(self, page: int) -> list[tuple]:
        """(key, updated_at) of the records on page `page` (from 1), in key order: the page's first
        key found on the primary key's index alone (an OFFSET over bare keys), then the page read from
        there. No count of the table, and the last page costs about what the first does."""
        start = self.queryset.order_by("pk").values("pk")[(page - 1) * self.limit:][:1]
        rows = self.queryset.filter(pk__gte=Subquery(start)).order_by("pk").values_list(self.key, "updated_at")
        return list(rows[: self.limit])

    def section_xml(self, page: int, protocol: str, domain: str) -> tuple[str, dt.datetime | None] | None:
        """The page's <url> entries as Django's sitemap.xml template writes them for `_urls` (its
        {% spaceless %} output, escaped alike; lastmod the day in the current time zone), built as
        text: 5,000 URLs through the template engine took most of a second. None for an empty page
        after the first (Django's 404)."""
        rows = self.page_rows(page)
        if not rows and page != 1:
            return None
        base = escape(f"{protocol}://{domain}")
        templates = {code: base + escape(template) for code, template in self._templates().items()}
        default = settings.LANGUAGE_CODE
        priority = f"<priority>{escape(str(self.priority))}</priority>"
        tz = timezone.get_current_timezone()
        parts, latest = [], None
        for value, lastmod in rows:
            value = escape(str(value))
            locations = {code: template.format(value) for code, template in templates.items()}
            links = [f'<xhtml:link rel="alternate" hreflang="{code}" href="{loc}"/>' for code, loc in locations.items()]
            if default in locations:
                x_default = locations[default].replace(f"/{default}/", "/", 1)
                links.append(f'<xhtml:link rel="alternate" hreflang="x-default" href="{x_default}"/>')
            links = "".join(links)
            day = ""
            if lastmod is not None:
                day = f"<lastmod>{timezone.localtime(lastmod, tz).date().isoformat()}</lastmod>"
                latest = lastmod if latest is None or lastmod > latest else latest
            for loc in locations.values():
                parts.append(f"<url><loc>{loc}</loc>{day}{priority}{links}</url>")
        return "".join(parts), latest


SITEMAP_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
SITEMAP_TAIL = "\n</urlset>\n"


@x_robots_tag
def sitemap_section(request, sitemaps, section):
    """One section page (sitemap-<section>.xml?p=N): Django's sitemap view, the same bytes and headers,
    with a ModelSitemap's page written as text (ModelSitemap.section_xml)."""
    site = sitemaps.get(section)
    if not isinstance(site, ModelSitemap):
        return django_sitemap(request, sitemaps, section=section)
    try:
        page = int(request.GET.get("p", 1))
    except (TypeError, ValueError):
        raise Http404(f"No page '{request.GET.get('p')}'") from None
    if page < 1:
        raise Http404(f"Page {page} empty")
    built = site.section_xml(page, request.scheme, get_current_site(request).domain)
    if built is None:
        raise Http404(f"Page {page} empty")
    body, latest = built
    response = HttpResponse(SITEMAP_HEAD + body + SITEMAP_TAIL, content_type="application/xml")
    if latest is not None:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response


def model_sitemap(queryset, priority: float) -> ModelSitemap:
    model = queryset.model
    route, key = {
        "place": ("place-detail", "slug"),
        "pairing": ("pairing-detail", "slug"),
        "campaign": ("campaign-detail", "slug"),
        "source": ("source-detail", "pk"),
    }[model._meta.model_name]
    return ModelSitemap(queryset, priority, route=route, key=key)


def sitemaps(extra: dict | None = None) -> dict:
    return {
        "static": StaticSitemap,
        "pairings": model_sitemap(Pairing.objects.all(), 0.8),
        "places": model_sitemap(Place.objects.all(), 0.6),
        **(extra or {}),
    }


@x_robots_tag
def sitemap_index(request, sitemaps, sitemap_url_name="sitemap-section"):
    """The index (sitemap.xml): every page of every section, each with the latest change on that page
    (not only the section's), so a crawler re-reads only the pages that changed. One query per section."""
    domain = get_current_site(request).domain
    items, latest = [], None
    for section, site in sitemaps.items():
        if callable(site):
            site = site()
        url = f"{request.scheme}://{domain}{reverse(sitemap_url_name, kwargs={'section': section})}"
        if isinstance(site, ModelSitemap):
            stamps = site.page_lastmods() or [None]
        else:
            stamps = [site.get_latest_lastmod()] * site.paginator.num_pages
        for number, stamp in enumerate(stamps, start=1):
            items.append(SitemapIndexItem(url if number == 1 else f"{url}?p={number}", stamp))
            if stamp is not None:
                latest = stamp if latest is None or stamp > latest else latest
    headers = {"Last-Modified": http_date(latest.timestamp())} if latest else None
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml", headers=headers)
