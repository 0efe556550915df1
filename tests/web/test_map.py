"""The map at world scale (issue 11 item 4, issue 9): aggregated when too many to draw one by one,
individual lines when filtered, cached under the data's fingerprint, land from Natural Earth, status
told by colour and pattern, labels that never overlap, both ends on screen."""

import re
from pathlib import Path

import pytest

from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.constants import STATUS_ORDER, EventType, Status
from web import land
from web.templatetags.svgmap import WIDTH, frame_for, place_labels, text_width
from web.views import site

pytestmark = pytest.mark.django_db

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()


def svg_of(response) -> str:
    """The map itself (the form's legend swatches are small SVGs too)."""
    return response.content.decode().split('class="pairing-map"', 1)[1].split("</svg>")[0]


def count_text(response) -> str:
    html = response.content.decode()
    return re.sub(r"<[^>]+>", "", re.search(r'id="map-count"[^>]*>(.*?)</p>', html, re.S).group(1))


@pytest.fixture
def gb_cn(db):
    """Four GB–CN pairings (two severed, one retained, one active) and one GB–FR pairing."""
    london = PlaceFactory(name="London", latitude="51.5", longitude="-0.12")
    leeds = PlaceFactory(name="Leeds", latitude="53.8", longitude="-1.55")
    cn = [PlaceFactory(name=f"City {i}", country="CN", latitude=f"{30 + i}", longitude=f"{110 + i}") for i in range(4)]
    paris = PlaceFactory(name="Paris", country="FR", latitude="48.86", longitude="2.35")
    pairings = [make_pairing(place_a=london if i % 2 else leeds, place_b=cn[i]) for i in range(4)]
    record(pairings[0], EventType.DECISION_SEVER, "2022-11-02")
    record(pairings[1], EventType.DECISION_SEVER, "2022-11-02")
    record(pairings[2], EventType.DECISION_RETAIN, "2023-03")
    make_pairing(place_a=leeds, place_b=paris)
    return pairings


def test_too_many_pairings_are_drawn_per_pair_of_countries_and_status(client, gb_cn, monkeypatch):
    monkeypatch.setattr(site, "ARC_CAP", 3)
    response = client.get("/map/")
    svg = svg_of(response)
    assert 'class="pairing-line"' not in svg  # never one line per pairing past the cap
    flows = re.findall(r'<a href="([^"]+)" class="flow-line" data-status="(\w+)" data-count="(\d+)"', svg)
    assert sorted((s, int(n)) for _h, s, n in flows) == [("active", 1), ("active", 1), ("retained", 1), ("severed", 2)]
    assert count_text(response).startswith("5 pairings shown")
    assert "Too many to draw one by one" in response.content.decode()
    # Each aggregated line opens the map filtered to its two countries and status: one line per pairing.
    severed_href = next(h for h, s, _n in flows if s == "severed").replace("&amp;", "&")
    assert "countries=CN%2CGB" in severed_href and "status=severed" in severed_href
    filtered = client.get(severed_href)
    assert count_text(filtered).startswith("2 pairings shown")
    assert svg_of(filtered).count('class="pairing-line" data-status="severed"') == 2
    assert 'class="flow-line"' not in svg_of(filtered)
    # The list below is the same two pairings.
    listed = re.findall(r'<li><a href="/pairings/([\w-]+)/">', filtered.content.decode())
    assert sorted(listed) == sorted(p.slug for p in gb_cn[:2])


def test_filters_keep_map_count_and_list_in_step(client, gb_cn):
    response = client.get("/map/", {"status": "severed"})
    html = response.content.decode()
    assert count_text(response) == "2 pairings shown"
    assert svg_of(response).count('class="pairing-line"') == 2
    assert re.findall(r'class="pairing-line" data-status="(\w+)"', html) == ["severed", "severed"]
    assert len(re.findall(r'<li><a href="/pairings/[\w-]+/">', html)) == 2
    response = client.get("/map/", {"country": "FR"})
    assert count_text(response) == "1 pairing shown" and svg_of(response).count('class="pairing-line"') == 1


def test_the_map_is_cached_and_a_new_decision_shows_at_once(client, gb_cn, django_assert_max_num_queries):
    client.get("/map/")
    with django_assert_max_num_queries(1):  # a cache hit costs the fingerprint only
        assert svg_of(client.get("/map/")).count('data-status="severed"') == 2
    record(gb_cn[3], EventType.DECISION_SEVER, "2024-01")
    assert svg_of(client.get("/map/")).count('data-status="severed"') == 3


def test_map_stays_within_ten_queries_on_twenty_five_pairings(client, django_assert_max_num_queries):
    hub = PlaceFactory(name="Hub", latitude="51", longitude="0")
    for i in range(25):
        make_pairing(place_a=hub, place_b=PlaceFactory(country="CN", latitude=f"{20 + i}", longitude="115"))
    for url in ("/map/", "/map/?status=active&country=CN", "/map/?place=nowhere&campaign=nope"):
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200
        assert svg_of(response).count('class="pairing-line"') == 25


def test_listed_pairings_are_hidden_unless_asked_for_and_never_look_checked(client, gb_cn):
    listed = make_pairing(place_a=PlaceFactory(latitude="50", longitude="8", country="DE"),
                          place_b=PlaceFactory(latitude="35", longitude="139", country="JP"), established=None)
    record(listed, EventType.LISTED, "2026-05-01")
    listed.refresh_from_db()
    assert listed.status == Status.LISTED
    assert f"/pairings/{listed.slug}/" not in svg_of(client.get("/map/"))
    shown = client.get("/map/", {"listed": "1"})
    assert re.search(rf'href="/pairings/{listed.slug}/" class="pairing-line" data-status="listed" data-evidence="listed"', svg_of(shown))
    assert "1 listed by Wikidata and not yet checked" in count_text(shown)


def test_land_from_natural_earth_and_a_legend_of_the_drawn_statuses(client, gb_cn):
    response = client.get("/map/")
    svg = svg_of(response)
    if land.land_available():
        assert re.search(r'<path class="land" d="M[\d.,L-]+Z', svg)
    legend = response.content.decode().split('class="map-legend"')[1].split("</ul>")[0]
    assert re.findall(r'class="line status-(\w+)"', legend) == ["active", "retained", "severed"]


def test_without_the_atlas_the_map_is_drawn_without_land_and_says_so(client, gb_cn, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    land.land_rings.cache_clear()
    land.land_path.cache_clear()
    try:
        response = client.get("/map/")
    finally:
        land.land_rings.cache_clear()
        land.land_path.cache_clear()
    assert response.status_code == 200
    assert 'class="land"' not in svg_of(response)
    assert "Drawn without land outlines" in response.content.decode()


def test_every_status_has_its_own_line_pattern_not_only_a_colour():
    patterns = {}
    for status in STATUS_ORDER:
        rule = re.search(rf"\.line\.status-{status.value} \{{([^}}]*)\}}", CSS).group(1)
        dash = re.search(r"stroke-dasharray:\s*([^;]+);", rule)
        patterns[status.value] = dash.group(1).strip() if dash else "solid"
    assert len(set(patterns.values())) == len(patterns)  # Active and Severed differ under protanopia too
    assert patterns["active"] == "solid" and patterns["severed"] != "solid"


def test_decode_topojson_quantized_delta_arcs():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
        "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, -4]]],
        "objects": {"land": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0, 1]]}]}},
    }
    assert land.decode_topojson(topology, "land") == [[(-10, 20), (-8, 20), (-8, 21), (-10, 20)]]
    reversed_arc = {**topology, "objects": {"land": {"type": "MultiPolygon", "arcs": [[[~1]]]}}}
    assert land.decode_topojson(reversed_arc, "land") == [[(-10, 20), (-8, 21)]]


def test_uk_and_chinese_ends_are_both_inside_the_view():
    points = [(54.97, -1.61), (22.8, 108.3), (37.87, 112.56), (50.37, -4.14)]
    frame = frame_for(points)
    for lat, lon in points:
        x, y = frame.xy(lat, lon)
        assert 0 <= x <= WIDTH and 0 <= y <= frame.height


def test_labels_never_overlap_and_crowded_ones_are_left_out():
    dots = [{"x": 100 + 3 * i, "y": 100 + 2 * i, "text": f"Place {i}", "weight": i} for i in range(30)]
    dots.append({"x": 800, "y": 300, "text": "寧波", "weight": 1})
    placed = place_labels(dots, 500)
    assert 2 <= len(placed) < 31 and any(p["text"] == "寧波" for p in placed)
    boxes = []
    for p in placed:
        w = text_width(p["text"], 13)
        left = p["lx"] - (w if p["anchor"] == "end" else w / 2 if p["anchor"] == "middle" else 0)
        box = (left, p["ly"] - 13, left + w, p["ly"] + 3)
        assert all(not (box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]) for b in boxes), p
        boxes.append(box)
