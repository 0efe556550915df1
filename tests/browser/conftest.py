"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server.

Never runs `playwright install`: ./test installs Debian's chromium and fonts-noto-cjk when missing
(`ensure_browser` in scripts/env.sh)."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
# plain synchronous calls between page actions.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TWINWATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (./test installs it; or apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("TWINWATCH_REQUIRE_BROWSER"):  # set by ./test, which has just installed it
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    # Nothing leaves the machine: any request to another host is answered by a stub page, so a
    # test can still follow an external source link and see where it went.
    context.route(
        lambda url: not url.startswith(("http://localhost", "http://127.0.0.1")),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>external</title>stub"),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Assertions wait as long as actions do: a loaded CI machine can take over expect's default 5 s to
    # answer a form post (a walkthrough once failed so, its page still on the form before the answer).
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    """The real demo data (fixtures/demo.json), loaded through the services by load_demo."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
