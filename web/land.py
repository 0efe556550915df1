"""Land and coastlines for the server-drawn map, from Natural Earth (public domain) as packaged by the
world-atlas npm package (TopoJSON, installed under node_modules by scripts/env.sh, never committed).

The TopoJSON is decoded here (quantized, delta-encoded arcs and a transform): no geometry library is
needed for one layer of polygons. The decoded rings are kept in memory per process; each frame's SVG
path is cached too. When the package is missing the map is drawn without land (`land_path` returns ""
and `land_available()` says so); it never fails the page."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

Ring = list[tuple[float, float]]  # (lon, lat)


def atlas_file(name: str) -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "world-atlas" / name


def decode_topojson(topology: dict, object_name: str) -> list[Ring]:
    """Every polygon ring (outer and holes) of one object of a TopoJSON topology, in degrees."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        points: Ring = []
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            for dx, dy, *_ in arc:  # delta-encoded, quantized
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for index in indexes:
            points = arcs[index] if index >= 0 else arcs[~index][::-1]  # ~i: arc i reversed
            out.extend(points[1:] if out else points)  # consecutive arcs share their end point
        return out

    def geometry_rings(geometry: dict) -> list[Ring]:
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            return [r for g in geometry.get("geometries", []) for r in geometry_rings(g)]
        if kind == "Polygon":
            return [ring(r) for r in geometry["arcs"]]
        if kind == "MultiPolygon":
            return [ring(r) for polygon in geometry["arcs"] for r in polygon]
        return []

    return geometry_rings(topology["objects"][object_name])


@lru_cache(maxsize=2)
def land_rings(name: str = "land-110m.json") -> tuple[Ring, ...]:
    """The land polygons of a world-atlas file, or () when the file is missing or unreadable."""
    path = atlas_file(name)
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
        return tuple(decode_topojson(topology, "land"))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("Map drawn without land: cannot read %s (%s)", path, exc)
        return ()


def land_available() -> bool:
    return bool(land_rings())


@lru_cache(maxsize=64)
def land_path(west: float, east: float, south: float, north: float, kx: float, scale: float) -> str:
    """An SVG path of the land in a frame (equirectangular: x = (lon - west)·kx·scale, y = (north -
    lat)·scale), points closer than half a unit dropped, rings wholly outside the frame left out."""
    rings = land_rings("land-50m.json" if (east - west) < 50 else "land-110m.json") or land_rings()
    parts = []
    for ring in rings:
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        if max(lons) < west or min(lons) > east or max(lats) < south or min(lats) > north:
            continue
        last = None
        segment = []
        for lon, lat in ring:
            x = round((lon - west) * kx * scale, 1)
            y = round((north - lat) * scale, 1)
            if last is not None and abs(x - last[0]) < 0.5 and abs(y - last[1]) < 0.5:
                continue
            segment.append(f"{x:g},{y:g}")
            last = (x, y)
        if len(segment) >= 3:
            parts.append("M" + "L".join(segment) + "Z")
    return "".join(parts)
