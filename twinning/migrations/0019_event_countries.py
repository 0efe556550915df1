"""Events filter by country from their own row: `country_a`/`country_b` copy their pairing's two countries
(which copy its places', migration 0015), filled here and kept by triggers on every write path (ORM, bulk,
COPY, fixtures): an event takes its pairing's countries when inserted or moved to another pairing; a
pairing inserted after its events (a fixture's order) or whose countries change (a place's country
corrected, a pairing re-pointed) passes them on to its events.

Before: `/api/v1/events/?country=GB&page=100` walked the timeline joining every event's pairing (~380 ms
at 1,000,000 events). Now the timeline index carries the countries: ~25 ms of SQL."""

from django.db import migrations, models

FILL = """
UPDATE twinning_event e SET country_a = p.country_a, country_b = p.country_b
FROM twinning_pairing p WHERE p.id = e.pairing_id;
"""

TRIGGERS = """
CREATE FUNCTION twinning_event_countries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT country_a, country_b INTO NEW.country_a, NEW.country_b FROM twinning_pairing WHERE id = NEW.pairing_id;
    NEW.country_a := coalesce(NEW.country_a, '');
    NEW.country_b := coalesce(NEW.country_b, '');
    RETURN NEW;
END $$;
CREATE TRIGGER twinning_event_countries
    BEFORE INSERT OR UPDATE OF pairing_id, country_a, country_b ON twinning_event
    FOR EACH ROW EXECUTE FUNCTION twinning_event_countries();

CREATE FUNCTION twinning_pairing_countries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE twinning_event SET country_a = NEW.country_a, country_b = NEW.country_b WHERE pairing_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER twinning_pairing_countries_changed
    AFTER UPDATE ON twinning_pairing
    FOR EACH ROW WHEN (OLD.country_a IS DISTINCT FROM NEW.country_a OR OLD.country_b IS DISTINCT FROM NEW.country_b)
    EXECUTE FUNCTION twinning_pairing_countries_changed();

CREATE FUNCTION twinning_pairings_inserted_countries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- `= ANY(ARRAY(...))` is an index condition however few rows the planner expects (see migration 0020)
    UPDATE twinning_event e SET country_a = n.country_a, country_b = n.country_b
    FROM new_rows n WHERE e.pairing_id = ANY(ARRAY(SELECT id FROM new_rows)) AND e.pairing_id = n.id
    AND (e.country_a, e.country_b) IS DISTINCT FROM (n.country_a, n.country_b);
    RETURN NULL;
END $$;
CREATE TRIGGER twinning_pairings_inserted_countries
    AFTER INSERT ON twinning_pairing REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION twinning_pairings_inserted_countries();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS twinning_pairings_inserted_countries ON twinning_pairing;
DROP TRIGGER IF EXISTS twinning_pairing_countries_changed ON twinning_pairing;
DROP TRIGGER IF EXISTS twinning_event_countries ON twinning_event;
DROP FUNCTION IF EXISTS twinning_pairings_inserted_countries();
DROP FUNCTION IF EXISTS twinning_pairing_countries_changed();
DROP FUNCTION IF EXISTS twinning_event_countries();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('twinning', '0018_place_name_order'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='event_timeline_order',
        ),
        migrations.AddField(
            model_name='event',
            name='country_a',
            field=models.CharField(default='', editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name='event',
            name='country_b',
            field=models.CharField(default='', editable=False, max_length=2),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['effective_on', 'order', '-date', 'id'], include=('updated_at', 'country_a', 'country_b'), name='event_timeline_order'),
        ),
    ]
