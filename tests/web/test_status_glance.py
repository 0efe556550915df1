"""The pairing page's status box says at a glance who decided, how, when, and on which source —
above the timeline, and without presenting what is not recorded as a fact."""

import re

from tests.web.test_pages import text_of


def status_box(response) -> str:
    html = response.content.decode()
    box = re.search(r'<section class="status-box.*?</section>', html, re.S).group(0)
    assert html.index(box) < html.index('id="timeline-h"')  # above the timeline
    return text_of(type("R", (), {"content": box.encode()})())


def test_status_box_names_who_decided_how_when_and_the_first_source(client, newcastle):
    box = status_box(client.get(newcastle.get_absolute_url()))
    assert "Who decided Full council" in box
    assert "Vote Unanimous" in box
    assert "When 2 November 2022" in box  # at the precision recorded
    assert "First source The Epoch Times: “English City of Newcastle Severs Ties With Chinese Twin City”" in box
    html = client.get(newcastle.get_absolute_url()).content.decode()
    assert 'href="https://www.theepochtimes.com/newcastle-severs-ties"' in re.search(
        r'<section class="status-box.*?</section>', html, re.S).group(0)


def test_a_decision_without_a_recorded_vote_says_so(client, nottingham):
    box = status_box(client.get(nottingham.get_absolute_url()))
    assert "When March 2023" in box  # month precision, never an invented day
    assert "Vote not recorded" in box and "Who decided not recorded" in box


def test_status_box_in_traditional_chinese(client, nottingham):
    box = status_box(client.get(f"/zh-hant{nottingham.get_absolute_url()}"))
    assert "時間 2023年3月" in box and "表決 未有紀錄" in box and "最早來源" in box
