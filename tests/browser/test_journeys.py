"""The public site's user journeys in real Chromium, asserting what a person sees."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SEVERED_RED = "rgb(179, 38, 30)"  # --severed in static/css/site.css


def test_visitor_searches_opens_newcastle_taiyuan_and_follows_a_source(page, live_server, demo):
    page.goto(live_server.url + "/")
    page.get_by_label("Search pairings by place name, in English or Chinese").fill("Newcastle")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/pairings/\?q=Newcastle$"))
    page.get_by_role("link", name="Newcastle upon Tyne – Taiyuan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Newcastle upon Tyne – Taiyuan")
    status = page.locator(".status-box")
    expect(status.locator(".badge")).to_have_text("Severed")
    expect(status).to_contain_text("since 2 November 2022")

    decision = page.locator(".event", has_text="Decision to sever")
    expect(decision).to_contain_text("2 November 2022")
    source_link = decision.locator("a.source-link").first
    href = source_link.get_attribute("href")
    assert href.startswith("https://")
    source_link.click()
    expect(page).to_have_url(href)
    page.go_back()

    # The source's own page says what it is and what it supports.
    page.locator(".event", has_text="Decision to sever").get_by_role("link", name="About this source").first.click()
    expect(page.get_by_role("heading", name="What this source supports")).to_be_visible()
    expect(page.locator(".claims")).to_contain_text("Newcastle upon Tyne – Taiyuan")


def test_visitor_switches_to_traditional_chinese(page, live_server, demo):
    page.goto(live_server.url + "/pairings/newcastle-upon-tyne-taiyuan/")
    expect(page.locator(".status-box .badge")).to_have_text("Severed")
    page.get_by_role("link", name="繁體中文").click()
    # The same page, its language in the address (a link to share).
    expect(page).to_have_url(live_server.url + "/zh-hant/pairings/newcastle-upon-tyne-taiyuan/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator(".status-box .badge")).to_have_text("已斷絕")
    expect(page.locator(".status-box")).to_contain_text("2022年11月2日")
    expect(page.get_by_role("link", name="繁體中文")).to_have_attribute("aria-current", "true")
    # And back.
    page.get_by_role("navigation", name="語言").get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url + "/pairings/newcastle-upon-tyne-taiyuan/")
    expect(page.locator(".status-box .badge")).to_have_text("Severed")


def test_map_draws_lines_coloured_by_status_and_filters(page, live_server, demo):
    page.goto(live_server.url + "/map/")
    lines = page.locator("svg.pairing-map a.pairing-line")
    count = lines.count()
    assert count >= 8
    severed = page.locator('a.pairing-line[data-status="severed"] path.line').first
    expect(severed).to_be_visible()
    assert severed.evaluate("el => getComputedStyle(el).stroke") == SEVERED_RED
    colours = {
        status: page.locator(f'a.pairing-line[data-status="{status}"] path.line').first.evaluate(
            "el => getComputedStyle(el).stroke"
        )
        for status in ("severed", "retained", "active")
        if page.locator(f'a.pairing-line[data-status="{status}"]').count()
    }
    assert len(set(colours.values())) == len(colours) >= 2

    # Filtering by status hides the other lines at once (JavaScript) and keeps a shareable URL.
    page.get_by_label("Severed").check()
    expect(page.locator('a.pairing-line[data-status="retained"]').first).to_be_hidden()
    expect(page.locator('a.pairing-line[data-status="severed"]').first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/map/\?status=severed$"))
    expect(page.locator("#map-geojson")).to_have_attribute("href", "/api/v1/pairings/?format=geojson&status=severed")

    # A line is a link to its pairing: click the middle of the drawn arc.
    point = severed.evaluate(
        """el => { const p = el.getPointAtLength(el.getTotalLength() / 2).matrixTransform(el.getScreenCTM());
                   return {x: p.x, y: p.y}; }"""
    )
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(r"/pairings/[\w-]+/$"))
    expect(page.locator(".status-box .badge")).to_have_text("Severed")


def test_phone_reader_reaches_sources_in_three_clicks(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Pairings", exact=True).click()  # 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name=re.compile("Nottingham – Ningbo")).click()  # 2
    expect(page.locator(".status-box .badge")).to_have_text("Retained")
    expect(page.locator(".conflict").first).to_contain_text("Sources disagree on this date.")
    link = page.locator("a.source-link").first
    expect(link).to_be_visible()  # 3rd click would open it
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(live_server.url + "/map/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the map scrolls inside its frame
    context.close()


def test_keyboard_only_reader_skips_to_content_and_opens_a_map_line(page, live_server, demo):
    page.goto(live_server.url + "/map/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # it appears when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/map/#main$"))
    # Tabbing on reaches the lines of the map, each a link named after its pairing and status.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('pairing-line')"):
            break
    else:
        pytest.fail("no map line took the keyboard focus")
    name = page.evaluate("document.activeElement.querySelector('title').textContent")
    assert " – " in name and ":" in name
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/pairings/[\w-]+/$"))


def test_world_map_filtered_to_severed_shows_only_severed_lines_and_the_right_count(page, live_server, demo, monkeypatch):
    """Issue 11 item 4: at world scale the map aggregates; filtered to Severed it draws each severed
    pairing, and the count, the lines and the list below agree."""
    from twinning.models import Pairing
    from web.views import site

    severed = Pairing.objects.filter(status="severed").count()
    assert severed < Pairing.objects.count()
    monkeypatch.setattr(site, "ARC_CAP", severed)  # the demo's 10 pairings stand for the world's 10,000
    page.goto(live_server.url + "/map/")
    expect(page.locator("svg.pairing-map a.flow-line").first).to_be_visible()
    assert page.locator("svg.pairing-map a.pairing-line").count() == 0
    expect(page.locator(".map-legend")).to_be_visible()
    assert page.locator("svg.pairing-map path.land").count() == 1

    page.get_by_label("Severed").check()
    expect(page).to_have_url(re.compile(r"/map/\?status=severed$"))
    expect(page.locator("#map-count")).to_have_text(re.compile(rf"^{severed} pairings shown"))
    lines = page.locator("svg.pairing-map a.pairing-line")
    expect(lines.first).to_be_visible()
    statuses = lines.evaluate_all("els => els.map(el => el.dataset.status)")
    undrawn = page.locator("figure.map figcaption .note").filter(has_text="not drawn").count()
    assert set(statuses) == {"severed"} and severed - 1 <= len(statuses) <= severed and (len(statuses) == severed or undrawn)
    assert page.locator("svg.pairing-map a.flow-line").count() == 0
    assert page.locator("#map-list li").count() == severed
    # Told apart by pattern as well as colour.
    dash = lines.first.locator("path.line").evaluate("el => getComputedStyle(el).strokeDasharray")
    assert dash not in ("", "none")
    assert lines.first.locator("path.line").evaluate("el => getComputedStyle(el).stroke") == SEVERED_RED


def test_phone_map_shows_uk_and_chinese_ends_on_screen(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/map/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    dots = page.locator("svg.pairing-map circle.place-dot").evaluate_all(
        "els => els.map(el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert len(dots) >= 10 and all(0 <= left and right <= 375 for left, right in dots)
    # Only the phone-sized labels show, and they do not overlap.
    boxes = page.locator("svg.pairing-map text.map-label").evaluate_all(
        "els => els.filter(el => getComputedStyle(el).display !== 'none').map(el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5), (a, b)
    context.close()
