"""Issue 11's done-when: a phone reader types "nottinghm ningpo" in the site search and reaches the
Nottingham–Ningbo pairing page in at most three taps — with suggestions as they type, and without
JavaScript through the results page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def test_phone_reader_finds_nottingham_ningbo_from_a_typo_by_suggestion(browser, live_server, demo):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/pairings/")
    search = page.get_by_role("combobox", name="Search places and pairings")
    search.tap()  # 1
    search.press_sequentially("nottinghm ningpo", delay=20)
    suggestion = page.locator(".suggest").get_by_role("link", name=re.compile("Nottingham – Ningbo"))
    expect(suggestion).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the list fits the phone
    suggestion.tap()  # 2
    expect(page).to_have_url(re.compile(r"/pairings/nottingham-ningbo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nottingham – Ningbo")
    context.close()


def test_phone_reader_without_javascript_reaches_it_from_the_results(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/pairings/")
    search = page.get_by_role("searchbox", name="Search places and pairings")
    search.tap()  # 1
    search.fill("nottinghm ningpo")
    page.locator(".site-search").get_by_role("button", name="Search").tap()  # 2
    expect(page.get_by_role("link", name="Nottingham Ningbo")).to_be_visible()  # did you mean
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("table.pairings").get_by_role("link", name=re.compile("Nottingham – Ningbo")).first.tap()  # 3
    expect(page.get_by_role("heading", level=1)).to_have_text("Nottingham – Ningbo")
    context.close()


def test_a_place_missing_from_the_register_says_so_and_offers_to_suggest_it(page, live_server, demo):
    page.goto(live_server.url + "/pairings/?q=Xyzzyville")
    expect(page.get_by_role("status").filter(has_text="is not in the register")).to_be_visible()
    page.get_by_role("link", name="suggest it, with a source").click()
    expect(page).to_have_url(re.compile(r"/correction/\?kind=new_pairing$"))
