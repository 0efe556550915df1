"""A curator records a decision with a new source in the admin; the public page then shows both."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MINUTES_URL = "https://democracy.sheffield.gov.uk/ieListDocuments.aspx?MId=99999"


def pick_autocomplete(page, container, text):
    """Choose an option in a Django admin autocomplete (select2) widget."""
    container.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    expect(option).to_be_visible()
    option.click()


def test_curator_records_a_decision_and_the_public_page_shows_it(page, live_server, demo, curator):
    from twinning.models import Pairing

    pairing = Pairing.objects.get(slug="sheffield-anshan")
    page.goto(live_server.url + pairing.get_absolute_url())
    expect(page.locator(".status-box .badge")).to_have_text("Active")

    # Sign in.
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name=re.compile("Log in")).click()
    expect(page.locator("#user-tools")).to_contain_text("curator")

    # A new source.
    page.goto(live_server.url + "/admin/sources/source/add/")
    page.locator("#id_url").fill(MINUTES_URL)
    page.locator("#id_title").fill("Minutes of full council, 20 November 2026")
    page.locator("#id_publisher").fill("Sheffield City Council")
    page.locator("#id_published").fill("2026-11-20")
    page.locator("#id_source_type").select_option("council_minutes")
    page.locator("#id_change_reason").fill("Council minutes published")
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # A decision on the pairing, citing that source.
    page.goto(f"{live_server.url}/admin/twinning/event/add/?pairing={pairing.pk}")
    page.locator("#id_event_type").select_option("decision_sever")
    page.locator("#id_date").fill("2026-11-20")
    page.locator("#id_body").select_option("full_council")
    page.locator("#id_summary").fill("Full council voted to end the twinning with Anshan.")
    page.locator("#id_votes_for").fill("50")
    page.locator("#id_votes_against").fill("20")
    page.locator("#id_change_reason").fill("Decision reported in the council minutes")
    page.locator("#citations-group .add-row a").click()
    pick_autocomplete(page, page.locator("#citations-0"), "Minutes of full council")
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The public page now shows the new status, its date and the new source.
    page.goto(live_server.url + pairing.get_absolute_url())
    status = page.locator(".status-box")
    expect(status.locator(".badge")).to_have_text("Severed")
    expect(status).to_contain_text("since 20 November 2026")
    decision = page.locator(".event", has_text="Decision to sever")
    expect(decision).to_contain_text("50 for, 20 against")
    link = decision.locator("a.source-link")
    expect(link).to_have_text("“Minutes of full council, 20 November 2026”")
    expect(link).to_have_attribute("href", MINUTES_URL)
    expect(decision).to_contain_text("Sheffield City Council")
