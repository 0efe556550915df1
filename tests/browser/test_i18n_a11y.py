"""Issue 11 in real Chromium: a shared zh-Hant link, the status at a glance on a phone, and axe-core
on every public page in both languages at desktop and phone widths."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
SLOW = 60_000  # a shared, busy machine: a generous wait for each page, never a timing assertion


@pytest.fixture
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path  # /data/ builds its export here, not in the checkout


def test_a_shared_zh_hant_link_opens_in_traditional_chinese(page, live_server, demo):
    page.set_default_timeout(SLOW)
    page.goto(live_server.url + "/zh-hant/pairings/nottingham-ningbo/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator(".local-names")).to_contain_text("寧波")
    expect(page.locator(".local-names")).not_to_contain_text("宁波")
    expect(page.locator(".status-box .badge")).to_have_text("已保留")
    expect(page.locator(".pairing-head .meta")).to_contain_text("浙江")


def test_on_a_phone_the_decision_vote_and_first_source_are_in_the_status_box(browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(SLOW)
    try:
        page.goto(live_server.url + "/pairings/newcastle-upon-tyne-taiyuan/")
        box = page.locator(".status-box")
        facts = box.locator("dl.status-facts")
        expect(facts).to_contain_text("Decision to sever")
        expect(facts).to_contain_text("Unanimous")
        first_source = facts.locator("a.source-link")
        expect(first_source).to_be_visible()
        box_bottom = box.bounding_box()["y"] + box.bounding_box()["height"]
        timeline_top = page.locator("#timeline-h").bounding_box()["y"]
        for fact in (facts.get_by_text("Unanimous"), first_source, facts.get_by_text("2 November 2022")):
            b = fact.bounding_box()
            assert b["y"] + b["height"] <= box_bottom < timeline_top  # read before the timeline starts
            assert b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"]  # no sideways scrolling
        # A list on a phone starts each pairing with its status and since, and does not scroll sideways.
        page.goto(live_server.url + "/pairings/")
        row = page.locator("table.pairings tbody tr", has_text="Newcastle upon Tyne").first
        badge, since, name = row.locator(".badge"), row.locator("td.col-since"), row.locator("th a")
        expect(since).to_be_visible()
        expect(since).to_contain_text("2 November 2022")
        assert badge.bounding_box()["y"] < name.bounding_box()["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


PAGES = [
    "/", "/pairings/", "/pairings/newcastle-upon-tyne-taiyuan/", "/places/nottingham/", "/campaigns/",
    "/campaigns/global-de-twin-with-china/", "/stats/", "/map/", "/about/", "/data/", "/sources/{source}/",
]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("prefix", ["", "/zh-hant"])
def test_axe_finds_no_violation_on_any_public_page(browser, live_server, demo, export_dir, prefix, width):
    from sources.models import Source

    source = Source.objects.order_by("pk").values_list("pk", flat=True).first()
    # bypass_csp: axe is injected inline for the test only; the pages keep their policy for readers.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", bypass_csp=True)
    context.route(
        lambda url: not url.startswith(("http://localhost", "http://127.0.0.1")),
        lambda route: route.fulfill(status=200, content_type="text/html", body="stub"),
    )
    page = context.new_page()
    page.set_default_timeout(SLOW)
    found = {}
    try:
        for path in PAGES:
            url = live_server.url + prefix + path.format(source=source)
            response = page.goto(url)
            assert response.status == 200, url
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            violations = [
                f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"]
            ]
            if violations:
                found[prefix + path] = violations
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
