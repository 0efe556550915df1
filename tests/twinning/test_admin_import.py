"""The admin's spreadsheet import: upload → preview (nothing written) → confirm → result."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from twinning.constants import Status
from twinning.imports.spreadsheet import ALL_COLUMNS
from twinning.models import Event, Pairing, Place

GOOD = Path(__file__).resolve().parent.parent / "data" / "import-good.csv"
IMPORT = reverse("admin:twinning_pairing_import")


def upload(client, content: bytes, name: str = "sheet.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.mark.django_db
class TestAdminImport:
    def test_preview_writes_nothing_then_confirm_imports(self, client, curator):
        client.force_login(curator)
        assert "Upload and preview" in client.get(IMPORT).content.decode()

        preview = upload(client, GOOD.read_bytes(), "campaign.csv")
        assert preview.status_code == 200
        page = preview.content.decode()
        assert "Preview of campaign.csv" in page
        assert "new place Taiyuan (CN)" in page
        assert "active → severed" in page
        assert not Pairing.objects.exists() and not Place.objects.exists()
        digest = preview.context["confirm_digest"]

        done = client.post(IMPORT, {"confirm": digest})
        assert done.status_code == 302
        assert done["Location"] == reverse("admin:twinning_pairing_changelist")
        assert Pairing.objects.count() == 3
        newcastle = Pairing.objects.get(place_b__name="Taiyuan")
        assert newcastle.status == Status.SEVERED
        sever = Event.objects.get(pairing=newcastle, event_type="decision_sever")
        assert sever.history.get().history_user == curator
        assert sever.history.get().history_change_reason == "Imported campaign.csv in the admin"
        message = [str(m) for m in client.get(done["Location"]).context["messages"]]
        assert message == ["Imported campaign.csv: 5 rows (5 created, 0 changed, 0 unchanged)."]

        again = upload(client, GOOD.read_bytes(), "campaign.csv")
        assert [row.action for row in again.context["report"].rows] == ["unchanged"] * 5

    def test_bad_rows_are_listed_by_row_and_column_with_no_confirm_button(self, client, curator):
        client.force_login(curator)
        bad = GOOD.read_text(encoding="utf-8-sig").replace("Taiyuan,CN,sister city,1985,,", "Taiyuan,Cathay,pen pals,1985,,", 1)
        response = upload(client, bad.encode())
        page = response.content.decode()
        assert "was not imported: nothing has been written" in page
        problems = {(p.row, p.column) for p in response.context["report"].problems}
        assert problems == {(2, "partner_country"), (2, "relationship")}
        assert "Confirm import" not in page
        assert "twinning_import" not in client.session
        assert not Place.objects.exists()

    def test_a_stale_or_forged_confirmation_writes_nothing(self, client, curator):
        client.force_login(curator)
        response = client.post(IMPORT, {"confirm": "0" * 64}, follow=True)
        assert "preview has expired" in response.content.decode()
        assert not Pairing.objects.exists()

    def test_template_download(self, client, curator):
        client.force_login(curator)
        response = client.get(reverse("admin:twinning_pairing_import_template"))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        body = b"".join(response.streaming_content).decode()
        assert body.splitlines()[0] == ",".join(ALL_COLUMNS)
        assert "Newcastle upon Tyne,GB,Taiyuan,CN" in body

    def test_only_users_who_may_add_pairings_can_import(self, client, db):
        from tests.core.factories import UserFactory

        client.force_login(UserFactory(is_staff=True))  # staff without any group
        assert client.get(IMPORT).status_code == 403
        assert upload(client, GOOD.read_bytes()).status_code == 403
        assert not Pairing.objects.exists()


@pytest.mark.django_db
def test_files_over_the_admin_limit_are_sent_to_the_shell(client, curator, monkeypatch):
    from twinning.admin import imports

    monkeypatch.setattr(imports, "ADMIN_MAX_ROWS", 3)
    client.force_login(curator)
    response = upload(client, GOOD.read_bytes())
    problems = [str(p) for p in response.context["report"].problems]
    assert problems == [
        "file: The file has 5 rows; the admin imports at most 3 at a time. Split the file, "
        "or import it from the shell: python manage.py import_twinnings FILE.csv"
    ]
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_a_flagged_row_is_answered_on_the_preview_then_imported(client, curator):
    from tests.twinning.factories import PlaceFactory, make_pairing
    from tests.twinning.test_import import csv_of
    from twinning.models import ImportJob

    severed = make_pairing(
        place_a=PlaceFactory(name="Newcastle upon Tyne", country="GB", slug="newcastle-upon-tyne"),
        place_b=PlaceFactory(name="Taiyuan", country="CN", slug="taiyuan"),
    )
    client.force_login(curator)
    row = "Newcastle upon Tyne,GB,Taiyuan,CN,twinned,,,,,,,https://example.org/t,Twinned,Example,"
    preview = upload(client, csv_of(row).encode())
    page = preview.content.decode()
    assert "Likely duplicate (column relationship)" in page
    assert f'href="/admin/twinning/pairing/{severed.pk}/change/"' in page  # the matched places and the candidate
    assert f'href="/admin/twinning/place/{severed.place_a_id}/change/"' in page
    assert "Confirm import" not in page
    assert "file" not in str(dict(client.session))  # the file is kept server-side, not in the cookie session
    early = client.post(IMPORT, {"confirm": preview.context["answer_digest"]})  # confirming before answering
    assert "Not answered, so nothing was written" in early.content.decode()
    assert Pairing.objects.count() == 1 and not severed.citations.filter(source__url="https://example.org/t").exists()

    answered = client.post(IMPORT, {"answer": preview.context["answer_digest"], "flag:2:relationship": str(severed.pk)})
    assert "Confirm import" in answered.content.decode()
    assert answered.context["report"].rows[0].pairing == "Newcastle upon Tyne – Taiyuan"
    done = client.post(IMPORT, {"confirm": answered.context["confirm_digest"]})
    assert done.status_code == 302
    assert Pairing.objects.count() == 1
    assert severed.citations.filter(source__url="https://example.org/t").exists()
    assert ImportJob.objects.get().state == ImportJob.State.APPLIED


@pytest.mark.django_db
def test_two_spellings_of_one_new_place_are_answered_on_the_preview(client, curator):
    from tests.twinning.test_import import csv_of

    client.force_login(curator)
    rows = ("Praha,CZ,Taipei,TW,sister city,2019,,,,,,https://example.org/a,A,Example,",
            "Prague,CZ,Shanghai,CN,sister city,2016,,,,,,https://example.org/b,B,Example,")
    preview = upload(client, csv_of(*rows).encode())
    page = preview.content.decode()
    assert '<input type="radio" name="flag:place:CZ:prague" value="same:praha">' in page
    assert "Praha (CZ) (new in row 2)" in page and "Confirm import" not in page

    answered = client.post(IMPORT, {"answer": preview.context["answer_digest"], "flag:place:CZ:prague": "same:praha"})
    assert "Confirm import" in answered.content.decode()
    assert client.post(IMPORT, {"confirm": answered.context["confirm_digest"]}).status_code == 302
    assert list(Place.objects.filter(country="CZ").values_list("name", flat=True)) == ["Praha"]
    assert Pairing.objects.count() == 2
