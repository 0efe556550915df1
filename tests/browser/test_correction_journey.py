"""A reader suggests a correction from a pairing page, without an account; a curator finds it in the
admin's queue of suggestions and marks it triaged."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_public_correction_reaches_the_curators_queue(page, live_server, demo, curator, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0  # the anti-bot minimum fill time; Playwright types instantly
    from twinning.models import Pairing

    pairing = Pairing.objects.get(slug="sheffield-anshan")
    page.goto(live_server.url + pairing.get_absolute_url())
    page.get_by_role("link", name="Suggest a correction").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest a correction")
    expect(page.locator("main")).to_contain_text("Sheffield – Anshan")
    page.get_by_label("What should change?").fill("The 2023 review was by the cabinet, not full council.")
    page.get_by_label("A source (link)").fill("https://democracy.sheffield.gov.uk/minutes-2023")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("status").filter(has_text="Your suggestion")).to_contain_text("Your suggestion has been received")

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name=re.compile("Log in")).click()
    page.get_by_role("link", name="Suggested corrections").click()
    row = page.locator("#result_list tbody tr", has_text="The 2023 review was by the cabinet")
    expect(row).to_contain_text("Sheffield – Anshan")
    expect(row).to_contain_text("New")

    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("mark_triaged")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 suggestion marked “Triaged”")
    expect(page.locator("#result_list tbody tr", has_text="The 2023 review")).to_contain_text("Triaged")
