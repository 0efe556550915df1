"""A map drawn on the server as SVG: a graticule and one line per pairing between its two places,
coloured by status. Equirectangular projection over the data's own bounding box, so no tile server,
CDN or world outline is needed; each line is a link to its pairing (keyboard-focusable)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import template

register = template.Library()

WIDTH = 1000


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


def _arc(x1, y1, x2, y2) -> str:
    """A gentle arc bowed towards the pole (like a great circle), so lines from one place separate."""
    if (x2, y2) < (x1, y1):
        x1, y1, x2, y2 = x2, y2, x1, y1
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1
    nx, ny = dy / length, -dx / length  # normal
    if ny > 0:
        nx, ny = -nx, -ny  # bow upwards (north)
    bend = 0.12 * length
    return f"M{x1},{y1} Q{round(mx + nx * bend, 1)},{round(my + ny * bend, 1)} {x2},{y2}"


def _has_coords(place) -> bool:
    return place.latitude is not None and place.longitude is not None


def map_data(pairings, *, highlight=None, labels: bool | None = None) -> dict:
    """Everything the SVG template needs: frame size, graticule, lines and place dots."""
    drawable = [p for p in pairings if _has_coords(p.place_a) and _has_coords(p.place_b)]
    places = {}
    for p in drawable:
        places[p.place_a.pk] = p.place_a
        places[p.place_b.pk] = p.place_b
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
        dots.append({"place": pl, "x": x, "y": y, "lx": round(x + 7, 1), "ly": round(y + 4, 1), "highlight": highlight is not None and pl.pk == highlight.pk})
    show_labels = labels if labels is not None else len(dots) <= 40
    return {
        "width": WIDTH,
        "height": frame.height,
        "graticule": _graticule(frame),
        "lines": lines,
        "dots": dots,
        "labels": show_labels,
        "undrawn": len(list(pairings)) - len(drawable),
    }


@register.inclusion_tag("includes/svgmap.html")
def pairing_map(pairings, highlight=None, title="", compact=False):
    data = map_data(list(pairings), highlight=highlight)
    data.update({"title": title, "compact": compact})
    return data
