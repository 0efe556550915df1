"""A map drawn on the server as SVG: Natural Earth land and coastlines (web.land), a graticule, and
lines between paired places, told apart by status through colour *and* line pattern (CSS dash arrays,
shown in a legend). Equirectangular projection over the data's own bounding box, so both ends of every
line are on screen, on a phone too; no tile server or CDN. Two kinds of line:

- one per pairing (`map_data`): a link to the pairing, keyboard-focusable;
- one per pair of countries and status (`flows_map_data`), for world-scale views: a link to the map
  filtered to those two countries, where each pairing gets its own line.

Labels are placed greedily (most-paired places first, four candidate positions, no overlaps)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from web import land

register = template.Library()

WIDTH = 1000
LABELS_MAX = 40  # labels drawn at most
PHONE_LABELS = 8  # labels on a phone, larger
LABEL_FONT = 13  # viewBox units, as in the CSS
PHONE_FONT = 30  # the size of a phone's labels (the CSS)


@dataclass
class Frame:
    west: float
    east: float
    south: float
    north: float
    kx: float  # horizontal stretch (cos of the middle latitude)

    @property
    def scale(self) -> float:
        return WIDTH / ((self.east - self.west) * self.kx)

    @property
    def height(self) -> float:
        return round((self.north - self.south) * self.scale, 1)

    def xy(self, lat, lon) -> tuple[float, float]:
        return (
            round((float(lon) - self.west) * self.kx * self.scale, 1),
            round((self.north - float(lat)) * self.scale, 1),
        )


def frame_for(points: list[tuple[float, float]], pad: float = 6.0) -> Frame:
    if not points:
        return Frame(-180, 180, -60, 80, 1.0)
    lats = [float(p[0]) for p in points]
    lons = [float(p[1]) for p in points]
    south, north = max(min(lats) - pad, -85), min(max(lats) + pad * 1.5, 85)  # room for the arcs
    west, east = max(min(lons) - pad, -180), min(max(lons) + pad * 2, 180)  # room for labels on the east
    # Keep a sensible aspect: at least 40 degrees wide and 20 high.
    if east - west < 40:
        mid = (east + west) / 2
        west, east = max(mid - 20, -180), min(mid + 20, 180)
    if north - south < 20:
        mid = (north + south) / 2
        south, north = max(mid - 10, -85), min(mid + 10, 85)
    kx = max(math.cos(math.radians((north + south) / 2)), 0.3)
    frame = Frame(west, east, south, north, kx)
    # Not taller than wide.
    if frame.height > WIDTH:
        extra = (north - south) * frame.kx - (east - west) * frame.kx
        frame = Frame(max(west - extra / 2, -180), min(east + extra / 2, 180), south, north, kx)
    return frame


def _graticule(frame: Frame):
    span = max(frame.east - frame.west, frame.north - frame.south)
    step = 10 if span <= 90 else 20 if span <= 200 else 30
    lines = []
    lon = math.ceil(frame.west / step) * step
    while lon <= frame.east:
        x, _ = frame.xy(frame.north, lon)
        lines.append({"x1": x, "y1": 0, "x2": x, "y2": frame.height, "lx": round(x + 3, 1), "ly": 14, "label": f"{abs(lon)}°{'E' if lon > 0 else 'W' if lon < 0 else ''}"})
        lon += step
    lat = math.ceil(frame.south / step) * step
    while lat <= frame.north:
        _, y = frame.xy(lat, frame.west)
        lines.append({"x1": 0, "y1": y, "x2": WIDTH, "y2": y, "lx": 4, "ly": round(y - 3, 1), "label": f"{abs(lat)}°{'N' if lat > 0 else 'S' if lat < 0 else ''}"})
        lat += step
    return lines


def _arc(x1, y1, x2, y2, bend: float = 0.12) -> str:
    """A gentle arc bowed towards the pole (like a great circle), so lines from one place separate."""
    if (x2, y2) < (x1, y1):
        x1, y1, x2, y2 = x2, y2, x1, y1
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1
    nx, ny = dy / length, -dx / length  # normal
    if ny > 0:
        nx, ny = -nx, -ny  # bow upwards (north)
    bend = bend * length
    return f"M{x1},{y1} Q{round(mx + nx * bend, 1)},{round(my + ny * bend, 1)} {x2},{y2}"


def _has_coords(place) -> bool:
    return place.latitude is not None and place.longitude is not None


def text_width(text: str, font: float) -> float:
    """Roughly how wide a label is: CJK characters are square, Latin ones a little over half as wide."""
    return sum(font if ord(ch) >= 0x2E80 else font * 0.58 for ch in text)


def place_labels(candidates: list[dict], height: float, *, font: float = LABEL_FONT, limit: int = LABELS_MAX) -> list[dict]:
    """Greedy label placement. `candidates` hold x, y, text and weight; the heaviest are placed first,
    each at the first of four positions (right, left, above, below its dot) that stays inside the map
    and overlaps no label or dot already placed; a label that fits nowhere is left out."""
    boxes: list[tuple[float, float, float, float]] = []
    dots = [(c["x"] - 4, c["y"] - 4, c["x"] + 4, c["y"] + 4) for c in candidates]
    placed = []
    for c in sorted(candidates, key=lambda c: (-c["weight"], c["text"])):
        if len(placed) >= limit:
            break
        w, h = text_width(c["text"], font), font
        x, y = c["x"], c["y"]
        gap = 4 + font * 0.25
        for lx, ly, anchor, box in (
            (x + gap, y + h * 0.35, "start", (x + gap, y - h * 0.65, x + gap + w, y + h * 0.6)),
            (x - gap, y + h * 0.35, "end", (x - gap - w, y - h * 0.65, x - gap, y + h * 0.6)),
            (x, y - gap, "middle", (x - w / 2, y - gap - h, x + w / 2, y - gap + h * 0.25)),
            (x, y + gap + h * 0.8, "middle", (x - w / 2, y + gap - h * 0.2, x + w / 2, y + gap + h * 1.05)),
        ):
            if box[0] < 0 or box[1] < 0 or box[2] > WIDTH or box[3] > height:
                continue
            own = (x - 4, y - 4, x + 4, y + 4)
            if any(_overlaps(box, other) for other in boxes) or any(_overlaps(box, d) for d in dots if d != own):
                continue
            boxes.append(box)
            placed.append({"text": c["text"], "lx": round(lx, 1), "ly": round(ly, 1), "anchor": anchor})
            break
    return placed


def _labels(dots: list[dict], height: float) -> list[dict]:
    """Two placements: every label that fits at the desktop size, and the few that fit at phone size
    (a phone shows the map about a third of its drawn size); CSS shows one set or the other."""
    desktop = place_labels(dots, height)
    phone = place_labels(dots, height, font=PHONE_FONT, limit=PHONE_LABELS)
    return [{**label, "phone": False} for label in desktop] + [{**label, "phone": True} for label in phone]


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _base(frame: Frame) -> dict:
    return {
        "width": WIDTH,
        "height": frame.height,
        "graticule": _graticule(frame),
        "land": land.land_path(frame.west, frame.east, frame.south, frame.north, frame.kx, frame.scale),
    }


def map_data(pairings, *, highlight=None, labels: bool | None = None) -> dict:
    """Everything the SVG template needs for one line per pairing: frame size, land, graticule, lines,
    place dots and the labels that fit."""
    pairings = list(pairings)
    drawable = [p for p in pairings if _has_coords(p.place_a) and _has_coords(p.place_b)]
    places = {}
    degree: dict[int, int] = {}
    for p in drawable:
        for place in (p.place_a, p.place_b):
            places[place.pk] = place
            degree[place.pk] = degree.get(place.pk, 0) + 1
    if highlight is not None and _has_coords(highlight):
        places[highlight.pk] = highlight
    frame = frame_for([(pl.latitude, pl.longitude) for pl in places.values()])
    lines = []
    for p in drawable:
        x1, y1 = frame.xy(p.place_a.latitude, p.place_a.longitude)
        x2, y2 = frame.xy(p.place_b.latitude, p.place_b.longitude)
        lines.append({"pairing": p, "d": _arc(x1, y1, x2, y2)})
    dots = []
    for pl in places.values():
        x, y = frame.xy(pl.latitude, pl.longitude)
        is_highlight = highlight is not None and pl.pk == highlight.pk
        weight = 10**6 if is_highlight else degree.get(pl.pk, 0)
        dots.append({"place": pl, "x": x, "y": y, "text": pl.name, "weight": weight, "highlight": is_highlight})
    show_labels = labels if labels is not None else True
    data = _base(frame)
    data.update({
        "lines": lines,
        "dots": dots,
        "placed_labels": _labels(dots, frame.height) if show_labels else [],
        "undrawn": len(pairings) - len(drawable),
        "statuses": sorted({p.status for p in drawable}),
    })
    return data


def flows_map_data(flows: list[dict], centres: dict, *, names: dict, limit: int = 300, map_url: str = "",
                   params: dict | None = None) -> dict:
    """The SVG data for pairings aggregated by pair of countries and status (`selectors.country_flows`):
    one line per group between the two countries' centres, as thick as the log of its count, linking
    to the map filtered to those two countries. At most `limit` groups, the largest; a pair of places
    in one country is drawn as a ring around it."""
    drawn = [f for f in flows if f["countries"][0] in centres and f["countries"][1] in centres][:limit]
    countries = {c for f in drawn for c in f["countries"]}
    frame = frame_for([centres[c] for c in countries])
    order = {}
    lines = []
    totals: dict[str, int] = {}
    for f in drawn:
        a, b = f["countries"]
        totals[a] = totals.get(a, 0) + f["count"]
        if b != a:
            totals[b] = totals.get(b, 0) + f["count"]
        nth = order[(a, b)] = order.get((a, b), -1) + 1  # fan the statuses of one pair of countries out
        x1, y1 = frame.xy(*centres[a])
        x2, y2 = frame.xy(*centres[b])
        if a == b:
            r = 6 + 3 * nth
            d = f"M{x1 - r},{y1} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0"
        else:
            d = _arc(x1, y1, x2, y2, bend=0.08 + 0.06 * nth)
        query = dict(params or {})
        query["countries"] = f"{a},{b}"
        query["status"] = f["status"]
        if f["evidence"] == "listed":
            query["listed"] = "1"
        lines.append({
            **f,
            "d": d,
            "width": round(0.8 + 0.9 * math.log2(f["count"] + 1), 1),
            "href": f"{map_url}?{urlencode(query)}",
            "label_a": names.get(a, a),
            "label_b": names.get(b, b),
        })
    lines.reverse()  # the largest drawn last, on top
    dots = []
    for c in countries:
        x, y = frame.xy(*centres[c])
        dots.append({"country": c, "x": x, "y": y, "text": names.get(c, c), "weight": totals.get(c, 0)})
    data = _base(frame)
    data.update({
        "flows": lines,
        "dots": dots,
        "placed_labels": _labels(dots, frame.height),
        "flows_left_out": max(0, len([f for f in flows if f["countries"][0] in centres and f["countries"][1] in centres]) - len(drawn)),
        "statuses": sorted({f["status"] for f in drawn}),
    })
    return data


@register.inclusion_tag("includes/svgmap.html")
def pairing_map(pairings, highlight=None, title="", compact=False):
    data = map_data(list(pairings), highlight=highlight, labels=None if not compact else True)
    data.update({"title": title, "compact": compact, "map_url": reverse("map")})
    return data
