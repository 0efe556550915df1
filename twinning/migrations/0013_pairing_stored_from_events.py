"""What the lists, the export and the statistics computed per request, stored on the pairing:
`established_date` (+ precision, circa: the first `established` event in timeline order), `last_event`
(the latest event in timeline order) and `evidence` (what the status rests on), written with the status
by `pairing_status_refresh` (twinning.status.stored_fields); and `sources_cited` (distinct sources cited by
the pairing's events), kept by statement-level triggers on every write path (services, admin, bulk_create,
COPY): each statement recounts the pairings it touched, once, from its transition tables.

Before: the full export of 300,000 pairings joined ~900,000 events per request for the established date,
the latest event and the source count; /stats/, /map/ and / joined every pairing to its status event."""

import django.db.models.deletion
from django.db import migrations, models

# Existing rows, set-wise, from the same definitions the readers used (timeline order: effective_on, order,
# -date, id; the stored status and its event for the evidence).
FILL = """
UPDATE twinning_pairing p
SET evidence = CASE
        WHEN q.status = 'unknown' THEN 'unknown'
        WHEN q.status = 'listed' OR se.event_type IN ('listed', 'listed_ended') THEN 'listed'
        ELSE 'verified' END,
    established_date = est.date,
    established_date_precision = coalesce(est.date_precision, 'day'),
    established_date_circa = coalesce(est.date_circa, false),
    last_event_id = lat.id,
    sources_cited = coalesce(sc.n, 0)
FROM twinning_pairing q
LEFT JOIN twinning_event se ON se.id = q.status_event_id
LEFT JOIN (
    SELECT DISTINCT ON (pairing_id) pairing_id, date, date_precision, date_circa FROM twinning_event
    WHERE event_type = 'established' ORDER BY pairing_id, effective_on, "order", date DESC, id
) est ON est.pairing_id = q.id
LEFT JOIN (
    SELECT DISTINCT ON (pairing_id) pairing_id, id FROM twinning_event
    ORDER BY pairing_id, effective_on DESC, "order" DESC, date, id DESC
) lat ON lat.pairing_id = q.id
LEFT JOIN (
    SELECT e.pairing_id, count(DISTINCT c.source_id) AS n
    FROM twinning_eventcitation c JOIN twinning_event e ON e.id = c.event_id GROUP BY e.pairing_id
) sc ON sc.pairing_id = q.id
WHERE p.id = q.id;
ANALYZE twinning_pairing;
"""

# `sources_cited`: one recount per statement of the pairings it touched (a COPY of 100,000 citations is one
# set-wise update). The count is written only from these triggers (trigger depth > 1): an UPDATE from the
# application (a `save()` of a pairing loaded before its citations changed) keeps the stored count.
TRIGGERS = """
CREATE FUNCTION twinning_pairing_recount_sources(ids bigint[]) RETURNS void LANGUAGE sql AS $$
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

CREATE FUNCTION twinning_citations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id IN (SELECT event_id FROM new_rows)));
    RETURN NULL;
END $$;
CREATE FUNCTION twinning_citations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id IN (
            SELECT o.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.event_id IS DISTINCT FROM n.event_id OR o.source_id IS DISTINCT FROM n.source_id
            UNION SELECT n.event_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.event_id IS DISTINCT FROM n.event_id OR o.source_id IS DISTINCT FROM n.source_id)));
    RETURN NULL;
END $$;
CREATE FUNCTION twinning_citations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT DISTINCT e.pairing_id FROM twinning_event e WHERE e.id IN (SELECT event_id FROM old_rows)));
    RETURN NULL;
END $$;
CREATE TRIGGER twinning_citations_inserted AFTER INSERT ON twinning_eventcitation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION twinning_citations_inserted();
CREATE TRIGGER twinning_citations_updated AFTER UPDATE ON twinning_eventcitation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION twinning_citations_updated();
CREATE TRIGGER twinning_citations_deleted AFTER DELETE ON twinning_eventcitation
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION twinning_citations_deleted();

-- An event moved to another pairing takes its sources along; a deleted one (its citations deleted with it,
-- or before it) takes them away. (A transition table cannot go with UPDATE OF a column: the moved rows are
-- found by comparing the two tables.)
CREATE FUNCTION twinning_events_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(
        SELECT o.pairing_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.pairing_id IS DISTINCT FROM n.pairing_id
        UNION SELECT n.pairing_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.pairing_id IS DISTINCT FROM n.pairing_id));
    RETURN NULL;
END $$;
CREATE FUNCTION twinning_events_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM twinning_pairing_recount_sources(ARRAY(SELECT DISTINCT pairing_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE TRIGGER twinning_events_moved AFTER UPDATE ON twinning_event
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION twinning_events_moved();
CREATE TRIGGER twinning_events_deleted AFTER DELETE ON twinning_event
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION twinning_events_deleted();

CREATE FUNCTION twinning_pairing_sources_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() < 2 THEN
        NEW.sources_cited := OLD.sources_cited;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER twinning_pairing_sources_kept
    BEFORE UPDATE OF sources_cited ON twinning_pairing
    FOR EACH ROW WHEN (OLD.sources_cited IS DISTINCT FROM NEW.sources_cited)
    EXECUTE FUNCTION twinning_pairing_sources_kept();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS twinning_pairing_sources_kept ON twinning_pairing;
DROP TRIGGER IF EXISTS twinning_events_deleted ON twinning_event;
DROP TRIGGER IF EXISTS twinning_events_moved ON twinning_event;
DROP TRIGGER IF EXISTS twinning_citations_deleted ON twinning_eventcitation;
DROP TRIGGER IF EXISTS twinning_citations_updated ON twinning_eventcitation;
DROP TRIGGER IF EXISTS twinning_citations_inserted ON twinning_eventcitation;
DROP FUNCTION IF EXISTS twinning_pairing_sources_kept();
DROP FUNCTION IF EXISTS twinning_events_deleted();
DROP FUNCTION IF EXISTS twinning_events_moved();
DROP FUNCTION IF EXISTS twinning_citations_deleted();
DROP FUNCTION IF EXISTS twinning_citations_updated();
DROP FUNCTION IF EXISTS twinning_citations_inserted();
DROP FUNCTION IF EXISTS twinning_pairing_recount_sources(bigint[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('twinning', '0012_pairing_sort_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='pairing',
            name='established_date',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='pairing',
            name='established_date_circa',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name='pairing',
            name='established_date_precision',
            field=models.CharField(choices=[('year', 'year'), ('month', 'month'), ('day', 'day')], db_default='day', default='day', editable=False, max_length=5),
        ),
        migrations.AddField(
            model_name='pairing',
            name='evidence',
            field=models.CharField(choices=[('verified', 'verified'), ('listed', 'listed'), ('unknown', 'unknown')], db_default='unknown', default='unknown', editable=False, max_length=8),
        ),
        migrations.AddField(
            model_name='pairing',
            name='last_event',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='twinning.event'),
        ),
        migrations.AddField(
            model_name='pairing',
            name='sources_cited',
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name='pairing',
            index=models.Index(fields=['evidence', 'status'], name='pairing_evidence_status'),
        ),
        migrations.AddConstraint(
            model_name='pairing',
            constraint=models.CheckConstraint(condition=models.Q(('established_date__isnull', True), ('established_date_precision', 'day'), models.Q(('established_date_precision', 'month'), ('established_date__day', 1)), models.Q(('established_date_precision', 'year'), ('established_date__day', 1), ('established_date__month', 1)), _connector='OR'), name='pairing_established_date_precision_normalised'),
        ),
    ]
