"""Finished background-task results are pruned by the command the README tells operators to run from
cron (django-tasks-db's `prune_db_task_results`), so the table does not grow forever."""

import datetime as dt
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}


def _documented_command() -> list[str]:
    [line] = re.findall(r"^ {4}python manage\.py (prune_db_task_results.*)$", README, re.M)
    return shlex.split(line)


def _result(status, *, days_ago, queue="default"):
    when = timezone.now() - dt.timedelta(days=days_ago)
    finished = status in ("SUCCESSFUL", "FAILED")
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [1], "kwargs": {}}, task_path="twinning.tasks.import_job_run",
        queue_name=queue, backend_name="default", run_after=when, finished_at=when if finished else None,
        started_at=when if status != "READY" else None,
    )


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_the_documented_prune_removes_old_finished_results_and_keeps_the_rest(capsys):
    old_done = _result("SUCCESSFUL", days_ago=30)
    old_failed = _result("FAILED", days_ago=30, queue="imports")
    recent_done = _result("SUCCESSFUL", days_ago=2)
    waiting = _result("READY", days_ago=30)
    running = _result("RUNNING", days_ago=30)

    call_command(*_documented_command())

    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert left == {recent_done.id, waiting.id, running.id}
    assert old_done.id not in left and old_failed.id not in left


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_dry_run_deletes_nothing():
    _result("SUCCESSFUL", days_ago=30)
    call_command(*_documented_command(), "--dry-run")
    assert DBTaskResult.objects.count() == 1
