-- Every change of a property's configuration also tells the API processes at once (NOTIFY
-- `assent_state`, payload `~|*`: from the database, everything). The experience read keeps each
-- device's state with the configuration version it was read with (apps/api state-cache.ts);
-- this drops those entries in every process, even for a change made behind the API in plain
-- SQL. Configuration changes are rare, so the NOTIFY's lock until commit costs nothing here;
-- the widget's writes announce their own changes after their commit instead.
CREATE OR REPLACE FUNCTION assent_bump_config_version(pid text) RETURNS void AS $$
BEGIN
  IF pid IS NULL THEN RETURN; END IF;
  INSERT INTO property_config_versions (property_id, version)
    VALUES (pid, nextval('property_config_seq'))
    ON CONFLICT (property_id) DO UPDATE SET version = excluded.version;
  PERFORM pg_notify('assent_state', '~|*');
END;
$$ LANGUAGE plpgsql;
