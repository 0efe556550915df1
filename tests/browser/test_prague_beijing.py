"""Issue 10, "done when": a hurried curator enters Prague–Beijing in the admin (real Chromium). Each
mistake the admin forms let them make ends in a clear message or a warning with a link, and nothing
wrong is published; the changes queue then shows the walkthrough and an editor reverts one change."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_curator_journey import pick_autocomplete

pytestmark = pytest.mark.browser


@pytest.fixture
def places(transactional_db):
    from twinning.models import Place, PlaceIdentifier
    from twinning.permissions import ensure_groups

    ensure_groups()
    prague = Place.objects.create(name="Prague", local_name="Praha", country="CZ", region="Prague", slug="prague")
    beijing = Place.objects.create(name="Beijing", local_name="北京", country="CN", region="Beijing", slug="beijing")
    PlaceIdentifier.objects.create(place=beijing, scheme="wikidata", value="Q956")
    return prague, beijing


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name=re.compile("Log in")).click()
    expect(page.locator("#user-tools")).to_contain_text(username)


def save(page):
    page.locator("input[name=_save]").first.click()


def test_prague_beijing_walkthrough(page, live_server, places, curator, editor):
    from twinning.models import Pairing, Place

    prague, beijing = places
    url = live_server.url
    log_in(page, live_server, "curator")

    # Mistake: "Praha" as a new place. A warning lists Prague with a link; "use this one" opens it.
    page.goto(url + "/admin/twinning/place/add/")
    page.locator("#id_name").fill("Praha")
    page.locator("#id_country").select_option("CZ")
    save(page)
    warning = page.locator(".errorlist", has_text="Possibly already recorded")
    expect(warning).to_contain_text("Prague")
    expect(page.locator("#id_name")).to_have_value("Praha")  # the input is kept
    warning.get_by_role("link", name="use this one").click()
    expect(page.locator(".messagelist")).to_contain_text("Using the place already recorded: Prague")

    # Mistake: "Peking" with Beijing's QID. Refused, with a link to Beijing.
    page.goto(url + "/admin/twinning/place/add/")
    page.locator("#id_name").fill("Peking")
    page.locator("#id_country").select_option("CN")
    page.locator("#id_create_anyway").check()
    page.locator("#identifiers-group .add-row a").click()
    page.locator("#id_identifiers-0-scheme").select_option("wikidata")
    page.locator("#id_identifiers-0-value").fill("Q956")
    save(page)
    expect(page.locator(".errorlist", has_text="Q956 already identifies")).to_contain_text("Beijing")
    assert not Place.objects.filter(name="Peking").exists()

    # The pairing, established 2016, its source created with the picker's "+" (a popup).
    page.goto(url + "/admin/twinning/pairing/add/")
    pick_autocomplete(page, page.locator(".field-place_a"), "Prague")
    pick_autocomplete(page, page.locator(".field-place_b"), "Beijing")
    page.locator("#id_relationship").select_option("sister_city")
    page.locator("#id_established").fill("2016")
    with page.expect_popup() as popup_info:
        page.locator("#add_id_established_sources").click()
    popup = popup_info.value
    popup.locator("#id_url").fill("https://example.org/prague-beijing-2016")
    popup.locator("#id_title").fill("Prague and Beijing sign a sister-city agreement, with a title long enough to be cut")
    popup.locator("#id_publisher").fill("Radio Prague")
    popup.locator("input[name=_save]").first.click()
    popup.wait_for_event("close")
    expect(page.locator(".field-established_sources")).to_contain_text("long enough to be cut")
    page.locator("#id_change_reason").fill("Agreement of 2016")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    pairing = Pairing.objects.get()

    # Mistake: the same two places again as a "friendship city": a warning with a link.
    page.goto(url + "/admin/twinning/pairing/add/")
    pick_autocomplete(page, page.locator(".field-place_a"), "Beijing")
    pick_autocomplete(page, page.locator(".field-place_b"), "Prague")
    page.locator("#id_relationship").select_option("friendship")
    save(page)
    expect(page.locator(".errorlist a", has_text="Prague – Beijing")).to_be_visible()
    assert Pairing.objects.count() == 1

    # The severance of October 2019, with its source: the status change is announced.
    page.goto(f"{url}/admin/twinning/event/add/?pairing={pairing.pk}")
    page.locator("#id_event_type").select_option("decision_sever")
    page.locator("#id_date").fill("2019-10")
    page.locator("#id_change_reason").fill("Council vote, October 2019")
    page.locator("#citations-group .add-row a").click()
    pick_autocomplete(page, page.locator("#citations-0"), "sister-city agreement")
    save(page)
    expect(page.locator(".messagelist")).to_contain_text("Status: Active → Severed since October 2019")

    # Mistake: the same decision again as 2019-10-07: a warning with a link to the October one.
    page.goto(f"{url}/admin/twinning/event/add/?pairing={pairing.pk}")
    page.locator("#id_event_type").select_option("decision_sever")
    page.locator("#id_date").fill("2019-10-07")
    page.locator("#citations-group .add-row a").click()
    pick_autocomplete(page, page.locator("#citations-0"), "sister-city agreement")
    save(page)
    expect(page.locator(".errorlist", has_text="already has")).to_contain_text("October 2019")

    # Mistake: a rescind that names no decision: refused, saying what to do.
    page.goto(f"{url}/admin/twinning/event/add/?pairing={pairing.pk}")
    page.locator("#id_event_type").select_option("decision_rescinded")
    page.locator("#id_date").fill("2020")
    page.locator("#citations-group .add-row a").click()
    pick_autocomplete(page, page.locator("#citations-0"), "sister-city agreement")
    save(page)
    expect(page.locator(".errorlist", has_text="Name the decision this event withdraws")).to_be_visible()

    # Nothing wrong was published: one pairing, severed since October 2019.
    page.goto(url + "/pairings/prague-beijing/")
    expect(page.locator(".status-box")).to_contain_text("Severed")
    expect(page.locator(".status-box")).to_contain_text("October 2019")
    assert pairing.events.count() == 2

    # An editor reviews the walkthrough in the changes queue and reverts the severance.
    log_in(page, live_server, "editor")
    page.goto(f"{url}/admin/twinning/pairing/changes/?pairing={pairing.pk}")
    queue = page.locator("#changes")
    expect(queue).to_contain_text("Decision to sever — October 2019")
    expect(queue).to_contain_text("Council vote, October 2019")
    expect(queue).to_contain_text("Agreement of 2016")
    row = queue.locator("tr.change-event", has_text="Decision to sever")
    row.locator("input[name=reason]").fill("Vote concerned another city")
    row.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist")).to_contain_text("Reverted")
    expect(page.locator(".messagelist")).to_contain_text("Status: Severed → Active since 2016")
    expect(page.locator("#changes")).to_contain_text("Vote concerned another city")
    page.goto(url + "/pairings/prague-beijing/")
    expect(page.locator(".status-box")).to_contain_text("Active")
