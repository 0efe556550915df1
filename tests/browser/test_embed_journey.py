"""A campaign site embeds a pairing's status card and badge; only those routes can be framed."""

import http.server
import threading

import pytest
from playwright.sync_api import expect

from tests.web.conftest import newcastle  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_campaign_site_frames_the_card_but_not_the_pairing_page(browser, transactional_db, live_server, newcastle):  # noqa: F811
    base = live_server.url + newcastle.get_absolute_url()
    campaign_page = f"""<!DOCTYPE html><title>Campaign</title>
      <img id="badge" src="{base}badge.svg" alt="status">
      <iframe id="card" src="{base}embed/" width="360" height="170"></iframe>
      <iframe id="page" src="{base}" width="360" height="170"></iframe>"""
    # A campaign's page with the snippets, served from another origin on this machine (a real server:
    # Chromium will not let a page it thinks public frame a local one).
    host = "127.0.0.1" if "localhost" in live_server.url else "localhost"
    body = campaign_page.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    campaign_url = f"http://{host}:{server.server_address[1]}/campaign"
    try:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(campaign_url, wait_until="load")

        card = page.frame_locator("#card")
        expect(card.get_by_role("heading", level=1)).to_have_text("Newcastle upon Tyne – Taiyuan")
        expect(card.locator(".badge")).to_have_text("Severed")
        expect(card.locator("body")).to_contain_text("since 2 November 2022")
        # The badge image loaded (an SVG image has a natural width once decoded).
        expect(page.locator("#badge")).to_have_js_property("complete", True)
        assert page.locator("#badge").evaluate("img => img.naturalWidth") > 0

        # The pairing page itself refuses to be framed (X-Frame-Options DENY, frame-ancestors 'none'): by
        # the parent's load event every frame has finished, and that one shows nothing of the page.
        blocked = page.locator("#page").element_handle().content_frame()
        assert blocked is not None
        assert blocked.locator(".status-box").count() == 0
        assert "Newcastle" not in (blocked.evaluate("document.body ? document.body.innerText : ''") or "")
        context.close()
    finally:
        server.shutdown()
