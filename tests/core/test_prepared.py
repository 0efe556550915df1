"""core.prepared: a query prepared once per connection gives the rows a plain query gives, in one query
per call whether or not the connection has it yet."""

import pytest
from django.db import connection, transaction
from django.db.utils import DataError
from django.test.utils import CaptureQueriesContext

from core import prepared

pytestmark = pytest.mark.django_db

SQL = "SELECT n, n * %s, '100%%' FROM generate_series(1, %s) n ORDER BY n"


def run(sql, params):
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params)
        return cursor.fetchall()


def test_rows_are_the_plain_querys_and_the_second_call_only_executes():
    with connection.cursor() as cursor:
        cursor.execute(SQL, [3, 4])
        plain = cursor.fetchall()
    with CaptureQueriesContext(connection) as first:
        assert run(SQL, [3, 4]) == plain
    with CaptureQueriesContext(connection) as second:
        assert run(SQL, [3, 4]) == plain
        assert run(SQL, [10, 2]) == [(1, 10, "100%"), (2, 20, "100%")]
    assert len(first.captured_queries) == 1
    assert first.captured_queries[0]["sql"].startswith("PREPARE tw_")
    assert [q["sql"].split("(")[0] for q in second.captured_queries] == [
        first.captured_queries[0]["sql"].split(" AS ")[0].replace("PREPARE", "EXECUTE")
    ] * 2


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    run(SQL, [1, 1])
    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert run(SQL, [2, 1]) == [(1, 2, "100%")]
    assert queries.captured_queries[-1]["sql"].startswith("PREPARE tw_")


def test_a_failed_first_execution_does_not_break_the_next():
    sql = "SELECT 10 / %s::int"
    with pytest.raises(DataError), transaction.atomic():
        run(sql, [0])  # prepared, then the execution fails: the statement may exist
    assert run(sql, [5]) == [(2,)]
    assert run(sql, [2]) == [(5,)]


def test_off_by_setting_the_query_runs_plainly(settings):
    settings.PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert run(SQL, [2, 1]) == [(1, 2, "100%")]
    assert queries.captured_queries[0]["sql"].startswith("SELECT n")


@pytest.mark.django_db(transaction=True)
def test_beyond_the_cap_queries_run_plainly(monkeypatch):
    connection.close()
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", 1)
    run("SELECT %s::int", [1])
    with CaptureQueriesContext(connection) as queries:
        assert run("SELECT %s::int + 1", [1]) == [(2,)]
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


def test_placeholders_and_parameters_must_match():
    with pytest.raises(ValueError, match="2 placeholders for 1 parameters"):
        run("SELECT %s::int + %s::int", [1])


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs: each round trip its own transaction
def test_a_statement_sent_before_it_applies_to_the_query_in_the_same_round_trip():
    """`before` (here a transaction-local setting) is sent with the query, prepared or not, and holds for
    that query only: the CSV pages rely on their settings this way."""
    before = "SELECT set_config('datestyle', 'SQL, DMY', true)"
    sql = "SELECT %s::date::text"
    with CaptureQueriesContext(connection) as queries:
        with connection.cursor() as cursor:
            prepared.execute(cursor, sql, ["2020-02-01"], before=before)
            first = cursor.fetchall()
            prepared.execute(cursor, sql, ["2021-03-04"], before=before)
            second = cursor.fetchall()
    assert (first, second) == ([("01/02/2020",)], [("04/03/2021",)])
    assert len(queries.captured_queries) == 2
    assert "PREPARE" in queries.captured_queries[0]["sql"] and "EXECUTE" in queries.captured_queries[1]["sql"]
    assert run(sql, ["2020-02-01"]) == [("2020-02-01",)]  # the setting did not outlive its query


def test_a_statement_sent_before_a_plain_query(settings):
    settings.PREPARED_STATEMENTS = False
    with connection.cursor() as cursor:
        prepared.execute(cursor, "SELECT %s::date::text", ["2020-02-01"], before="SELECT set_config('datestyle', 'SQL, DMY', true)")
        assert cursor.fetchall() == [("01/02/2020",)]
