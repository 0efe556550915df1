"""Background tasks (django.tasks). The database backend queues them; `manage.py db_worker` runs them."""

from django.tasks import task


@task
def import_job_run(job_id: int) -> str:
    """Import a confirmed spreadsheet upload (`twinning.imports.jobs.job_run`); returns its final state."""
    from twinning.imports.jobs import job_run

    job, _report = job_run(job_id)
    return job.state if job is not None else "skipped"
