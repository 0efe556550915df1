"""Large admin imports run in the background (django.tasks), in batches of whole pairing groups, with
progress on the job's page; a failed or interrupted job runs again without importing anything twice."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from twinning import services
from twinning.constants import Status
from twinning.imports import spreadsheet
from twinning.imports.spreadsheet import batches, validate
from twinning.models import Event, ImportJob, Pairing, Place

GOOD = Path(__file__).resolve().parent.parent / "data" / "import-good.csv"
IMPORT = reverse("admin:twinning_pairing_import")


@pytest.fixture
def background(monkeypatch):
    """Every confirmed upload is queued (not imported in the request), one pairing group per batch."""
    from twinning.admin import imports

    monkeypatch.setattr(imports, "ADMIN_INLINE_ROWS", 0)
    monkeypatch.setattr(spreadsheet, "BATCH_ROWS", 1)


def confirm_upload(client, content: bytes, name: str = "campaign.csv"):
    preview = client.post(IMPORT, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})
    assert preview.context["confirm_digest"], [str(p) for p in preview.context["report"].problems]
    return client.post(IMPORT, {"confirm": preview.context["confirm_digest"]})


def register():
    return sorted((str(p), p.status, p.events.count()) for p in Pairing.objects.all())


def test_batches_keep_each_pairing_group_whole_and_in_row_order():
    plans, problems = validate(GOOD.read_bytes())
    assert not problems
    assert [[p.number for p in batch] for batch in batches(plans, 1)] == [[2, 3], [4, 5], [6]]
    assert [[p.number for p in batch] for batch in batches(plans, 3)] == [[2, 3, 4, 5], [6]]
    assert [[p.number for p in batch] for batch in batches(plans, 500)] == [[2, 3, 4, 5, 6]]


@pytest.mark.django_db
def test_a_large_upload_is_queued_then_imported_with_its_progress_shown(client, curator, background):
    client.force_login(curator)
    done = confirm_upload(client, GOOD.read_bytes())
    job = ImportJob.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:twinning_importjob_change", args=[job.pk])
    # the test settings' ImmediateBackend ran the task at once, as the worker would have
    assert job.state == ImportJob.State.APPLIED and (job.rows_done, job.rows_total) == (5, 5)
    assert job.counts == {"create": 5, "change": 0, "unchanged": 0, "error": 0}
    assert Pairing.objects.get(place_b__name="Taiyuan").status == Status.SEVERED
    sever = Event.objects.get(event_type="decision_sever", pairing__place_b__name="Taiyuan")
    assert sever.history.get().history_change_reason == "Imported campaign.csv in the admin"
    assert sever.history.get().history_user == curator

    page = client.get(done["Location"]).content.decode()
    assert "Campaign.csv is being imported; this page shows how far it has got." in page
    assert "5 of 5 rows imported (100%)" in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing left to watch


@pytest.mark.django_db
def test_a_queued_or_running_job_page_refreshes_itself_and_shows_rows_done(client, curator):
    job = services.import_job_create(data=GOOD.read_bytes(), file_name="big.csv", rows=5000, user=curator)
    services.import_job_queue(job)
    client.force_login(curator)
    url = reverse("admin:twinning_importjob_change", args=[job.pk])
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Waiting for the worker" in page

    services.import_job_claim(job.pk)
    services.import_job_progress(job, rows_done=1500)
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress max="5000" value="1500">' in page
    assert "1,500 of 5,000 rows imported (30%)" in page
    assert "Run the import again" not in page  # it is running


@pytest.mark.django_db
def test_a_failed_batch_keeps_the_batches_before_it_and_a_rerun_finishes_without_duplicates(
    client, curator, background, monkeypatch
):
    real = services.import_records_create
    calls = []

    def clash_on_second_batch(**records):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError('duplicate key value violates unique constraint "pairing_unique_pair"')
        return real(**records)

    monkeypatch.setattr(services, "import_records_create", clash_on_second_batch)
    client.force_login(curator)
    confirm_upload(client, GOOD.read_bytes())
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert job.rows_done == 2  # the first batch (rows 2-3) was committed
    assert "the batch of rows 4–5 was refused and nothing of it was written; 2 of 5 rows had been imported" in job.error
    assert "IntegrityError" in job.error
    assert [str(p) for p in Pairing.objects.all()] == ["Newcastle upon Tyne – Taiyuan"]  # no half batch
    url = reverse("admin:twinning_importjob_change", args=[job.pk])
    page = client.get(url).content.decode()
    assert "The import failed" in page and "Run the import again" in page
    assert 'http-equiv="refresh"' not in page

    monkeypatch.setattr(services, "import_records_create", real)  # the clash is gone
    rerun = client.post(reverse("admin:twinning_importjob_run", args=[job.pk]))
    assert rerun["Location"] == url
    job.refresh_from_db()
    assert job.state == ImportJob.State.APPLIED and job.error == ""
    assert job.counts == {"create": 3, "change": 0, "unchanged": 2, "error": 0}  # rows 2-3 found as imported
    assert Pairing.objects.count() == 3 and Place.objects.count() == 5
    assert Event.objects.filter(event_type="decision_sever").count() == 3

    # the same file imported once more in one go changes nothing
    before = register()
    report = spreadsheet.import_twinnings(GOOD.read_bytes())
    assert report.applied and report.counts()["unchanged"] == 5
    assert register() == before


@pytest.mark.django_db
def test_a_task_delivered_twice_imports_once(curator):
    from twinning.tasks import import_job_run

    job = services.import_job_create(data=GOOD.read_bytes(), file_name="campaign.csv", rows=5, user=curator)
    services.import_job_queue(job)
    assert import_job_run.call(job.pk) == ImportJob.State.APPLIED
    assert import_job_run.call(job.pk) == "skipped"
    assert Pairing.objects.count() == 3 and Event.objects.filter(event_type="decision_sever").count() == 3


@pytest.mark.django_db
def test_an_unanswered_flag_fails_the_job_by_row_and_column_with_nothing_written(curator):
    from tests.twinning.factories import PlaceFactory
    from twinning.imports.jobs import job_submit

    PlaceFactory(name="Newcastle upon Tyne", country="GB", slug="newcastle-upon-tyne")
    PlaceFactory(name="Taiyuan City", country="CN", slug="taiyuan-city")  # "Taiyuan" is similar: flagged
    job = services.import_job_create(data=GOOD.read_bytes(), file_name="campaign.csv", rows=5, user=curator)
    job_submit(job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.rows_done == 0
    assert job.error.startswith("row 2, column partner: “Taiyuan (CN)” is not recorded, but similar places are")
    assert "Not answered, so nothing was written." in job.error
    assert not Pairing.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_import(settings, curator):
    from django.core.management import call_command

    from twinning.imports.jobs import job_submit

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = services.import_job_create(data=GOOD.read_bytes(), file_name="campaign.csv", rows=5, user=curator)
    job_submit(job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED and not Pairing.objects.exists()  # waiting for the worker
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.APPLIED and job.rows_done == 5
    assert Pairing.objects.count() == 3


@pytest.mark.django_db
def test_only_importers_run_a_job_again_and_only_a_failed_or_abandoned_one(client, curator, time_machine):
    from tests.core.factories import UserFactory
    from twinning.imports.jobs import STALE_AFTER
    from twinning.permissions import ensure_groups

    job = services.import_job_create(data=GOOD.read_bytes(), file_name="campaign.csv", rows=5, user=curator)
    services.import_job_queue(job)
    services.import_job_claim(job.pk)  # running: its worker is alive
    run = reverse("admin:twinning_importjob_run", args=[job.pk])

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*ensure_groups()[0].permissions.filter(codename="view_importjob"))
    client.force_login(viewer)
    assert client.post(run).status_code == 403

    client.force_login(curator)
    assert client.get(run).status_code == 405
    client.post(run)
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and not Pairing.objects.exists()  # not while it runs

    time_machine.move_to(job.updated_at + STALE_AFTER * 2)  # its worker stopped long ago
    page = client.get(reverse("admin:twinning_importjob_change", args=[job.pk])).content.decode()
    assert "Run the import again" in page
    client.post(run)
    job.refresh_from_db()
    assert job.state == ImportJob.State.APPLIED and Pairing.objects.count() == 3
