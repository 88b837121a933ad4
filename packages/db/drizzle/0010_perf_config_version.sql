-- A configuration version per property, bumped in the same transaction as any change of the
-- property, its purposes or their notices. API processes cache a property's purposes and
-- notices and revalidate the cache with this number, read in the same query as the property
-- itself: no extra round trip, and a change is seen by every replica on its next request.
CREATE SEQUENCE IF NOT EXISTS property_config_seq;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION assent_bump_config_version(pid text) RETURNS void AS $$
BEGIN
  IF pid IS NULL THEN RETURN; END IF;
  INSERT INTO property_config_versions (property_id, version)
    VALUES (pid, nextval('property_config_seq'))
    ON CONFLICT (property_id) DO UPDATE SET version = excluded.version;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION assent_config_changed() RETURNS trigger AS $$
DECLARE
  rec record;
BEGIN
  IF TG_OP = 'DELETE' THEN rec := OLD; ELSE rec := NEW; END IF;
  IF TG_TABLE_NAME = 'properties' THEN
    PERFORM assent_bump_config_version(rec.id);
  ELSIF TG_TABLE_NAME = 'purposes' THEN
    PERFORM assent_bump_config_version(rec.property_id);
    IF TG_OP = 'UPDATE' AND OLD.property_id IS DISTINCT FROM NEW.property_id THEN
      PERFORM assent_bump_config_version(OLD.property_id);
    END IF;
  ELSE
    PERFORM assent_bump_config_version(
      (SELECT property_id FROM purposes WHERE id = rec.purpose_id));
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER properties_config_version
  AFTER INSERT OR UPDATE OR DELETE ON properties
  FOR EACH ROW EXECUTE FUNCTION assent_config_changed();
--> statement-breakpoint
CREATE TRIGGER purposes_config_version
  AFTER INSERT OR UPDATE OR DELETE ON purposes
  FOR EACH ROW EXECUTE FUNCTION assent_config_changed();
--> statement-breakpoint
CREATE TRIGGER notices_config_version
  AFTER INSERT OR UPDATE OR DELETE ON notices
  FOR EACH ROW EXECUTE FUNCTION assent_config_changed();
--> statement-breakpoint
-- Rate-limit counters need no crash safety: UNLOGGED skips WAL (and its fsync at commit),
-- and free space per page lets the per-hit update stay a HOT update.
ALTER TABLE rate_limits SET UNLOGGED;
--> statement-breakpoint
ALTER TABLE rate_limits SET (fillfactor = 70);
