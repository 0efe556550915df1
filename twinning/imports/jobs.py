"""Running a confirmed spreadsheet upload (`ImportJob`): in the request for a small file, else in the
background through django.tasks (`twinning.tasks.import_job_run`, run by `manage.py db_worker`).

A small file is imported in one transaction, as the shell command does. In the background the import
goes through `import_twinnings_in_batches`: the whole file is checked first (nothing written on any
problem), then it is written in batches of whole pairing groups, each batch in its own transaction;
`rows_done` is stored after each. A failed or interrupted job can be run again:
what its earlier batches wrote is found unchanged, so nothing is imported twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from twinning import services
from twinning.imports import spreadsheet
from twinning.imports.spreadsheet import SpreadsheetImportResult, import_twinnings_in_batches
from twinning.models import ImportJob

# A running job that has stored no progress for this long was abandoned (its worker stopped): it may be
# run again. A batch takes seconds, so a live job is never this quiet.
STALE_AFTER = timedelta(minutes=10)


def job_reason(job: ImportJob) -> str:
    return f"Imported {job.file_name} in the admin"


def job_can_rerun(job: ImportJob) -> bool:
    """A job that failed, or whose worker stopped mid-way, can be queued again (its file is kept)."""
    if not job.data:
        return False
    if job.state == ImportJob.State.FAILED:
        return True
    stale = timezone.now() - STALE_AFTER
    return job.state in (ImportJob.State.RUNNING, ImportJob.State.QUEUED) and (job.updated_at or job.created_at) < stale


def job_submit(job: ImportJob) -> ImportJob:
    """Queue the job for the worker. Enqueuing writes the task into the same database, so a worker
    sees it only once the request commits."""
    from twinning.tasks import import_job_run

    services.import_job_queue(job)
    import_job_run.enqueue(job.pk)
    return job


def job_run(job_id: int) -> tuple[ImportJob | None, SpreadsheetImportResult | None]:
    """Run a queued job (the task's body). A job that is not queued is left alone: a task delivered
    twice imports once."""
    job = services.import_job_claim(job_id)
    if job is None:
        return None, None
    return job, _apply(job)


def job_apply_now(job: ImportJob) -> SpreadsheetImportResult:
    """Run a small previewed job in the request, in one transaction (one batch: planned once, not
    checked first). When it is refused (an unanswered flag, the register changed since the preview)
    it stays previewed, to be answered or previewed again."""
    report = spreadsheet.import_twinnings(bytes(job.data), user=job.user, reason=job_reason(job), resolutions=job.resolutions)
    if report.applied:
        services.import_job_finish(job, applied=True, counts=report.counts())
    return report


def _apply(job: ImportJob) -> SpreadsheetImportResult | None:
    try:
        report = import_twinnings_in_batches(
            bytes(job.data), user=job.user, reason=job_reason(job), resolutions=job.resolutions, batch_rows=spreadsheet.BATCH_ROWS,
            on_batch=lambda done: services.import_job_progress(job, rows_done=done),
        )
    except Exception as exc:  # a bug or a lost database: the job says so instead of staying "running"
        services.import_job_finish(job, applied=False, counts={}, error=f"The import stopped: {exc.__class__.__name__}: {exc}")
        raise
    if report.applied:
        services.import_job_finish(job, applied=True, counts=report.counts())
    else:
        lines = [str(problem) for problem in sorted(report.problems, key=lambda p: (p.row or 0, p.column))]
        shown = lines[:50] + ([f"… and {len(lines) - 50} more problems"] if len(lines) > 50 else [])
        services.import_job_finish(job, applied=False, counts=report.counts(), error="\n".join(shown))
    return report
