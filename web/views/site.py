"""Site-wide public pages: home, map, statistics, about, data downloads, robots.txt."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from campaigns.filters import PairingWithCampaignFilter
from core.parallel import parallel_workers
from twinning import world
from twinning.constants import (
    DECISION_TYPES,
    EVENT_DEFINITIONS,
    RELATIONSHIP_DEFINITIONS,
    STATUS_DEFINITIONS,
    STATUS_ORDER,
    Confidence,
    EventType,
    Relationship,
    Status,
)
from twinning.models import Event, Pairing, Place
from twinning.selectors import (
    country_centres,
    country_flows,
    pairings_for_map,
    register_stats,
    stats_fingerprint,
)
from twinning.status import TIMELINE_ORDER_DESC
from web.caching import public_page
from web.templatetags.svgmap import flows_map_data, map_data
from web.templatetags.twinwatch import country as country_label

DECISION_ORDER = [t for t in EventType if t in DECISION_TYPES]


def latest_decisions(limit: int = 8):
    return list(
        Event.objects.filter(event_type__in=DECISION_TYPES)
        .select_related("pairing__place_a", "pairing__place_b")
        .order_by(*TIMELINE_ORDER_DESC)[:limit]
    )


def status_counts() -> list[dict]:
    counts = dict(Pairing.objects.order_by().values_list("status").annotate(n=Count("id")))
    return [{"status": s, "label": s.label, "count": counts.get(s.value, 0)} for s in STATUS_ORDER]


@require_safe
@public_page
def home(request):
    with parallel_workers():  # its counts are aggregates of every pairing
        counts = status_counts()
        numbers = {"place_total": Place.objects.count(), "coverage": world.coverage()}
    return render(
        request,
        "twinning/home.html",
        {
            "status_counts": [c for c in counts if c["count"]],
            "pairing_total": sum(c["count"] for c in counts),
            **numbers,
            "decisions": latest_decisions(),
        },
    )


MAP_FILTERS = ("status", "country", "countries", "place", "campaign", "relationship")
ARC_CAP = 400  # above this many pairings the map draws one line per pair of countries and status
FLOW_CAP = 300  # country-pair lines drawn at most
CACHE_SECONDS = 24 * 3600  # keyed by the data's fingerprint: a write makes a new key at once


def _map_filterset(request) -> tuple[PairingWithCampaignFilter, QueryDict]:
    """The one pairing FilterSet on the map's parameters. A filter it cannot read (a bad value, an
    unknown place or campaign) is left out: the map shows more rather than nothing, as it always did."""
    data = QueryDict(mutable=True)
    for name in MAP_FILTERS:
        values = [v for v in request.GET.getlist(name) if v]
        if values:
            data.setlist(name, values)
    for _attempt in range(3):
        filterset = PairingWithCampaignFilter(data, queryset=pairings_for_map())
        if not filterset.is_valid():
            for name in filterset.errors:
                data.pop(name, None)
            continue
        try:
            filterset.qs  # noqa: B018 (resolves places and campaigns by slug)
        except ValidationError as exc:
            for name in getattr(exc, "detail", {}) or {}:
                data.pop(name, None)
            continue
        return filterset, data
    return PairingWithCampaignFilter(QueryDict(), queryset=pairings_for_map()), QueryDict()


def _map_fingerprint() -> str:
    return stats_fingerprint()  # the register's version: moves on any write, campaign targets included


def _map_results(filterset, *, show_listed: bool, params: QueryDict) -> dict:
    """The map, its count and its list for one set of filters: one line per pairing up to ARC_CAP,
    else one per pair of countries and status. At most five queries."""
    qs = filterset.qs
    numbers = world.coverage(qs)
    if not show_listed:
        qs = qs.exclude(world.LISTED_Q)
    shown = numbers["total"] if show_listed else numbers["total"] - numbers["listed"]
    link_params = params.copy()
    if show_listed:
        link_params["listed"] = "1"
    context = {
        "shown": shown,
        "listed_count": numbers["listed"],
        "checked_count": numbers["checked"],
        "show_listed": show_listed,
        "list_url": f"{reverse('pairing-list')}?{params.urlencode()}" if params else reverse("pairing-list"),
        "geojson_url": f"/api/v1/pairings/?format=geojson{'&' + params.urlencode() if params else ''}",
        "arc_cap": ARC_CAP,
    }
    if shown <= ARC_CAP:
        pairings = list(
            qs.select_related("place_a", "place_b").order_by("status", "place_a__name", "id")
        )
        context.update({"aggregated": False, "pairings": pairings, "map": map_data(pairings)})
    else:
        flows = country_flows(qs)
        codes = {c for f in flows for c in f["countries"]}
        names = {c: country_label(c) for c in codes}
        drawn = flows_map_data(flows, country_centres(), names=names, limit=FLOW_CAP, map_url=reverse("map"),
                               params={k: v for k, v in link_params.items() if k not in ("countries", "status")})
        context.update({"aggregated": True, "map": drawn, "flows": drawn["flows"][::-1][:50],
                        "flow_count": len(drawn["flows"]), "flows_total": len(flows)})
    context["map"].update({"title": "", "compact": False})
    return context


@require_safe
@public_page
def map_view(request):
    """The map: server-drawn SVG (works without JavaScript); the count, the map and the list below
    come from one FilterSet and one cached fragment, so they always agree. Cached per language and
    filters under the data's fingerprint (one query on a hit)."""
    filterset, params = _map_filterset(request)
    chosen = filterset.form.cleaned_data
    # Pairings known only from Wikidata are hidden unless asked for (or their status is asked for by name).
    show_listed = request.GET.get("listed") == "1" or Status.LISTED in (chosen.get("status") or [])
    fingerprint = _map_fingerprint()
    query = sorted((k, v) for k in params for v in params.getlist(k)) + [("listed", show_listed)]
    key = "map:" + hashlib.sha256(f"{fingerprint}|{get_language()}|{query}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        countries = sorted(set(
            Place.objects.filter(latitude__isnull=False).order_by().values_list("country", flat=True).distinct()
        ))
        with parallel_workers():  # the pairs of countries: an aggregate of every pairing (serial: 0.4 s at 300,000)
            context = _map_results(filterset, show_listed=show_listed, params=params)
        context.update({
            "selected_statuses": chosen.get("status") or [],
            "selected_country": chosen.get("country") or "",
            "hidden_filters": [(k, v) for k in ("countries", "place", "campaign", "relationship") for v in params.getlist(k)],
            "countries": countries,
            "statuses": STATUS_ORDER,
        })
        body = render_to_string("twinning/map_body.html", context)
        cache.set(key, body, CACHE_SECONDS)
    # Rendered (and escaped) by the templates above; nothing in it depends on the request but the filters.
    return render(request, "twinning/map.html", {"body_html": mark_safe(body)})  # noqa: S308


def _bars(rows: list[dict], keys: list, css: str) -> list[dict]:
    """Stacked-bar geometry (percent of the widest bar) for rows holding a count per key."""
    widest = max((r["total"] for r in rows), default=0) or 1
    for row in rows:
        x = 0.0
        segments = []
        for key in keys:
            n = row["counts"].get(key, 0)
            if n:
                w = 100.0 * n / widest
                segments.append({"css": f"{css}-{key}", "n": n, "x": round(x, 2), "w": round(w, 2)})
                x += w
        row["segments"] = segments
        row["cells"] = [row["counts"].get(key, 0) for key in keys]
    return rows


def _chart(rows: list[dict], keys: list, labels: dict, css: str) -> dict:
    """Rows and legend of one stacked-bar chart, keeping only the keys that occur in the data."""
    used = [k for k in keys if any(r["counts"].get(k) for r in rows)]
    return {"rows": _bars(rows, used, css), "legend": [{"css": f"{css}-{k}", "label": labels[k]} for k in used]}


def _stats_tables(stats: dict) -> dict:
    """The three tables of /stats/ (and their CSV files) from `register_stats`: decisions per year (every
    year from the first to the last, zero years as zeros), pairings by country and status, and pairings by
    status and evidence (checked by curators or listed by Wikidata only)."""
    per_year = {year: {} for year in stats["years"]}
    events_per_year = {year: 0 for year in stats["years"]}
    for row in stats["decisions"]:
        per_year[row["year"]][row["event_type"]] = row["decisions"]
        events_per_year[row["year"]] += row["events"]
    years = _chart(
        [{"label": str(y), "counts": c, "total": sum(c.values()), "events": events_per_year[y]} for y, c in per_year.items()],
        [t.value for t in DECISION_ORDER],
        {t.value: t.label for t in DECISION_ORDER},
        "decision",
    )
    countries = _chart(
        [{"country": c["country"], "label": country_label(c["country"]), "counts": c["by_status"], "total": c["pairings"],
          "verified": c["verified"], "listed": c["listed"]} for c in stats["countries"]],
        [s.value for s in STATUS_ORDER],
        {s.value: s.label for s in STATUS_ORDER},
        "status",
    )
    evidence = stats["evidence"]
    evidence_rows = [
        {"status": st, "label": st.label, "verified": evidence["verified_by_status"][st.value],
         "listed": evidence["listed_by_status"][st.value]}
        for st in STATUS_ORDER
        if evidence["verified_by_status"][st.value] or evidence["listed_by_status"][st.value]
    ]
    return {"years": years, "countries": countries, "evidence": evidence["by_evidence"], "evidence_rows": evidence_rows}


STATS_TOP_COUNTRIES = 30  # on the page; the CSV has every country
STATS_CSV = ("decisions-per-year", "pairings-by-country", "pairings-by-evidence")


@require_safe
@public_page
def stats(request):
    """Statistics from `register_stats`; the page body is cached per language under the same data
    fingerprint, so a hit costs one query and no table rendering."""
    fingerprint = stats_fingerprint()
    key = "stats-page:" + hashlib.sha256(f"{fingerprint}|{get_language()}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = render_to_string("twinning/stats_body.html", _stats_context(register_stats(fingerprint)))
        cache.set(key, body, CACHE_SECONDS)
    # Rendered (and escaped) by the template; nothing in it depends on the request.
    return render(request, "twinning/stats.html", {"body_html": mark_safe(body)})  # noqa: S308


def _stats_context(stats: dict) -> dict:
    context = _stats_tables(stats)
    rows = context["countries"]["rows"]
    context["country_count"] = len(rows)
    context["countries"]["rows"] = rows[:STATS_TOP_COUNTRIES]
    context["top_countries"] = STATS_TOP_COUNTRIES
    context["csv"] = {name.replace("-", "_"): reverse("stats-csv", kwargs={"table": name}) for name in STATS_CSV}
    return context


@require_safe
def stats_csv(request, table: str):
    """The numbers behind one chart or table of /stats/, as CSV (codes, not translated labels)."""
    if table not in STATS_CSV:
        raise Http404(_("No such table."))
    tables = _stats_tables(register_stats())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="twinwatch-{table}.csv"'
    writer = csv.writer(response)
    if table == "decisions-per-year":
        keys = [t.value for t in DECISION_ORDER]
        writer.writerow(["year", *keys, "decisions", "decision_events"])
        for row in tables["years"]["rows"]:
            writer.writerow([row["label"], *(row["counts"].get(k, 0) for k in keys), row["total"], row["events"]])
    elif table == "pairings-by-country":
        keys = [s.value for s in STATUS_ORDER]
        writer.writerow(["country", *keys, "verified", "listed", "pairings"])
        for row in tables["countries"]["rows"]:
            writer.writerow([row["country"], *(row["counts"].get(k, 0) for k in keys), row["verified"], row["listed"], row["total"]])
    else:
        writer.writerow(["status", "verified", "listed"])
        for row in tables["evidence_rows"]:
            writer.writerow([row["status"].value, row["verified"], row["listed"]])
    return response


@require_safe
@public_page
def about(request):
    return render(
        request,
        "twinning/about.html",
        {
            "statuses": [(s, STATUS_DEFINITIONS[s]) for s in STATUS_ORDER],
            "events": [(t, EVENT_DEFINITIONS[t]) for t in EventType],
            "relationships": [(r, RELATIONSHIP_DEFINITIONS[r]) for r in Relationship],
            "confidences": list(Confidence),
        },
    )


def _export_files() -> list[dict]:
    root = Path(settings.EXPORT_DIR)
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and path.suffix != ".part"
            and not any(part.startswith(".") for part in path.relative_to(root).parts)
        ):
            stat = path.stat()
            files.append(
                {
                    "name": path.relative_to(root).as_posix(),
                    "size": stat.st_size,
                    "modified": dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC),
                }
            )
    files.sort(key=lambda f: (f["modified"], f["name"]), reverse=True)
    return files


def _export_description(files: list[dict]) -> dict | None:
    """The latest export's description written by export_dataset (datapackage.json, or the newest
    JSON file with `generated_at`): when it was generated, its licence and each resource's file and rows."""
    root = Path(settings.EXPORT_DIR)
    names = {f["name"] for f in files}
    candidates = ["datapackage.json"] + [f["name"] for f in files if f["name"].endswith(".json")]
    for name in candidates:
        if name not in names:
            continue
        try:
            data = json.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or "generated_at" not in data:
            continue
        sizes = {f["name"]: f["size"] for f in files}
        resources = [
            {"name": r.get("name", ""), "path": r["path"], "rows": r.get("rows"), "size": sizes[r["path"]]}
            for r in data.get("resources", [])
            if isinstance(r, dict) and isinstance(r.get("path"), str) and r["path"] in sizes
        ]
        licences = [lic.get("name") or lic.get("title") for lic in data.get("licenses", []) if isinstance(lic, dict)]
        return {
            "file": name,
            "generated_at": data["generated_at"],
            "resources": resources,
            "licences": [lic for lic in licences if lic],
            "latest": {name, *(r["path"] for r in resources)},
        }
    return None


def _register_changed_at():
    """When the register last changed (the newest change to any exported kind of record), or None."""
    from sources.models import Source

    stamps = [
        model.objects.aggregate(latest=Max("updated_at"))["latest"] for model in (Pairing, Event, Place, Source)
    ]
    return max((s for s in stamps if s), default=None)


def _export_is_current(description: dict | None) -> bool:
    if description is None:
        return False
    try:
        generated = dt.datetime.fromisoformat(description["generated_at"])
    except (TypeError, ValueError):
        return False
    changed = _register_changed_at()
    return changed is None or generated >= changed.replace(microsecond=0)


def export_ensure_current(files: list[dict]) -> tuple[list[dict], dict | None]:
    """The latest export, built now when there is none or the register changed since (cached as files
    in EXPORT_DIR: later requests serve them until the register changes). One build at a time: a
    request that finds another building serves what exists."""
    description = _export_description(files)
    if _export_is_current(description):
        return files, description
    if cache.add("twinwatch:export-building", 1, timeout=300):
        try:
            call_command("export_dataset", str(settings.EXPORT_DIR), stdout=StringIO())
        finally:
            cache.delete("twinwatch:export-building")
        files = _export_files()
        description = _export_description(files)
    return files, description


@require_safe
def data(request):
    files, description = export_ensure_current(_export_files())
    latest = description["latest"] if description else set()
    return render(
        request,
        "twinning/data.html",
        {
            "description": description,
            "other_files": [f for f in files if f["name"] not in latest],
            "api_docs": "/api/docs/",
            "api_root": "/api/v1/",
        },
    )


@require_safe
def data_file(request, name: str):
    """Serve one file of the latest export, only if it is really inside EXPORT_DIR."""
    root = Path(settings.EXPORT_DIR).resolve()
    try:
        path = (root / name).resolve()
        path.relative_to(root)
    except (ValueError, OSError):
        raise Http404(_("No such download.")) from None
    if not path.is_file() or path.suffix == ".part" or any(part.startswith(".") for part in path.relative_to(root).parts):
        raise Http404(_("No such download."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "Allow: /",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
