"""Site-wide public pages: home, map, statistics, about, data downloads, robots.txt."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaigns.filters import PairingWithCampaignFilter
from twinning import world
from twinning.api.serializers import PairingSerializer, pairing_feature
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
from twinning.selectors import attach_latest_events, pairings_with_status
from twinning.status import TIMELINE_ORDER_DESC
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
def home(request):
    counts = status_counts()
    return render(
        request,
        "twinning/home.html",
        {
            "status_counts": [c for c in counts if c["count"]],
            "pairing_total": sum(c["count"] for c in counts),
            "place_total": Place.objects.count(),
            "coverage": world.coverage(),
            "decisions": latest_decisions(),
        },
    )


MAP_FILTERS = ("status", "country")  # the map's form; the GeoJSON link passes the same to the API


def _map_filterset(request) -> PairingWithCampaignFilter:
    """The one pairing FilterSet on the map's parameters. A filter it cannot read is left out (the
    map shows every pairing rather than none), as the map always did."""
    data = QueryDict(mutable=True)
    for name in MAP_FILTERS:
        data.setlist(name, request.GET.getlist(name))
    filterset = PairingWithCampaignFilter(data, queryset=pairings_with_status())
    if not filterset.is_valid():
        for name in filterset.errors:
            data.pop(name, None)
        filterset = PairingWithCampaignFilter(data, queryset=pairings_with_status())
    return filterset


def pairings_geojson(pairings) -> dict:
    """The pairings as the API serves them at /api/v1/pairings/?format=geojson: the same serializer
    and the same feature builder, so both give the same properties."""
    attach_latest_events(pairings)
    rows = PairingSerializer(pairings, many=True, context={"as_of": None}).data
    return {"type": "FeatureCollection", "features": [pairing_feature(row) for row in rows]}


@require_safe
def map_view(request):
    filterset = _map_filterset(request)
    matching = list(filterset.qs.annotate(evidence=world.EVIDENCE).order_by("current_status", "place_a__name", "id"))
    chosen = filterset.form.cleaned_data
    listed = [p for p in matching if p.evidence == "listed"]
    # Pairings known only from Wikidata are hidden unless asked for (or their status is asked for by name).
    show_listed = request.GET.get("listed") == "1" or Status.LISTED in (chosen.get("status") or [])
    pairings = matching if show_listed else [p for p in matching if p.evidence != "listed"]
    countries = sorted(
        set(Place.objects.filter(latitude__isnull=False).values_list("country", flat=True).distinct())
    )
    return render(
        request,
        "twinning/map.html",
        {
            "pairings": pairings,
            "geojson": pairings_geojson(pairings),
            "selected_statuses": chosen.get("status") or [],
            "selected_country": chosen.get("country") or "",
            "countries": countries,
            "statuses": STATUS_ORDER,
            "show_listed": show_listed,
            "listed_count": len(listed),
            "checked_count": len(matching) - len(listed),
        },
    )


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


@require_safe
def stats(request):
    per_year = defaultdict(dict)
    rows = (
        Event.objects.filter(event_type__in=DECISION_TYPES)
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values_list("year", "event_type")
        .annotate(n=Count("id"))
    )
    for year, event_type, n in rows:
        per_year[year][event_type] = n
    years = _chart(
        [{"label": str(y), "counts": c, "total": sum(c.values())} for y, c in sorted(per_year.items())],
        [t.value for t in DECISION_ORDER],
        {t.value: t.label for t in DECISION_ORDER},
        "decision",
    )

    per_country = defaultdict(lambda: defaultdict(int))
    side_a = Pairing.objects.order_by().values_list("place_a__country", "status").annotate(n=Count("id"))
    side_b = (
        Pairing.objects.exclude(place_b__country=F("place_a__country"))
        .order_by()
        .values_list("place_b__country", "status")
        .annotate(n=Count("id"))
    )
    for code, status, n in list(side_a) + list(side_b):
        per_country[code][status] += n
    countries = _chart(
        sorted(
            ({"country": c, "label": country_label(c), "counts": dict(v), "total": sum(v.values())}
             for c, v in per_country.items()),
            key=lambda r: (-r["total"], r["label"]),
        ),
        [s.value for s in STATUS_ORDER],
        {s.value: s.label for s in STATUS_ORDER},
        "status",
    )
    evidence = world.evidence_counts()
    evidence_rows = [
        {"status": st, "label": st.label, "verified": evidence["verified_by_status"][st.value],
         "listed": evidence["listed_by_status"][st.value]}
        for st in STATUS_ORDER
        if evidence["verified_by_status"][st.value] or evidence["listed_by_status"][st.value]
    ]
    return render(
        request,
        "twinning/stats.html",
        {"years": years, "countries": countries, "evidence": evidence["by_evidence"], "evidence_rows": evidence_rows},
    )


@require_safe
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


@require_safe
def data(request):
    files = _export_files()
    description = _export_description(files)
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
