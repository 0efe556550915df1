"""The `sources_cited` triggers (migration 0013) look rows up by index conditions, whatever the planner's
statistics say.

A table whose rows were all deleted or rolled back keeps its pages; once analysed like that, the planner
expects no rows in it, however many a transaction has since added. The recount then joined events and
citations as nested loops over both whole tables, once per pairing: a world import's first citations insert
did not finish within CI's 90 minutes (at 696855c). Now each pairing's count is a subquery on its own events
(`event.pairing_id = pid`) and their citations (`citation.event_id = ANY(ARRAY(...))`), and the triggers
find a statement's events by `id = ANY(ARRAY(...))`: index conditions, so the work is bounded by the rows
touched, as it was with good statistics. Same counts (tests/twinning/test_stored_fields.py)."""

from django.db import migrations

RECOUNT = """
CREATE OR REPLACE FUNCTION twinning_pairing_recount_sources(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE twinning_pairing p SET sources_cited = n.n
    FROM (
        SELECT a.pid, (
            SELECT count(DISTINCT c.source_id) FROM twinning_eventcitation c
            WHERE c.event_id = ANY(ARRAY(SELECT e.id FROM twinning_event e WHERE e.pairing_id = a.pid))
        ) AS n
        FROM (SELECT DISTINCT pid FROM unnest(ids) AS pid WHERE pid IS NOT NULL) a
    ) n
    WHERE p.id = n.pid AND p.sources_cited IS DISTINCT FROM n.n;
$$;

CREATE OR REPLACE FUNCTION twinning_citations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id = ANY(ARRAY(SELECT event_id FROM new_rows))));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION twinning_citations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id = ANY(ARRAY(
            SELECT o.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.event_id IS DISTINCT FROM n.event_id OR o.source_id IS DISTINCT FROM n.source_id
            UNION SELECT n.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.event_id IS DISTINCT FROM n.event_id OR o.source_id IS DISTINCT FROM n.source_id))));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION twinning_citations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id = ANY(ARRAY(SELECT event_id FROM old_rows))));
    RETURN NULL;
END $$;
"""

# As migration 0013 wrote them.
RECOUNT_BEFORE = """
CREATE OR REPLACE FUNCTION twinning_pairing_recount_sources(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH a AS (SELECT DISTINCT pid FROM unnest(ids) AS pid WHERE pid IS NOT NULL),
    n AS (
        SELECT e.pairing_id AS pid, count(DISTINCT c.source_id) AS n
        FROM twinning_event e JOIN twinning_eventcitation c ON c.event_id = e.id
        WHERE e.pairing_id IN (SELECT pid FROM a) GROUP BY e.pairing_id
    )
    UPDATE twinning_pairing p SET sources_cited = coalesce(n.n, 0)
    FROM a LEFT JOIN n ON n.pid = a.pid
    WHERE p.id = a.pid AND p.sources_cited IS DISTINCT FROM coalesce(n.n, 0);
$$;

CREATE OR REPLACE FUNCTION twinning_citations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id IN (SELECT event_id FROM new_rows)));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION twinning_citations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id IN (
            SELECT o.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.event_id IS DISTINCT FROM n.event_id OR o.source_id IS DISTINCT FROM n.source_id
            UNION SELECT n.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.event_id IS DISTINCT FROM n.event_id OR o.source_id IS DISTINCT FROM n.source_id)));
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION twinning_citations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id IN (SELECT event_id FROM old_rows)));
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("twinning", "0019_event_countries")]

    operations = [migrations.RunSQL(RECOUNT, RECOUNT_BEFORE)]
