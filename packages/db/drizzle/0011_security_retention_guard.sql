-- Retention (REQUIREMENTS S2) without lifting append-only (P2): an UPDATE of a consent event is
-- allowed only inside the retention sweep's transaction (`assent.retention` = 'on', set with
-- set_config(..., true)) and only when it clears the network evidence (ip_truncated, ua_hash)
-- and changes nothing else. DELETE and TRUNCATE stay refused.
CREATE OR REPLACE FUNCTION assent_consent_events_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND coalesce(current_setting('assent.retention', true), '') = 'on'
     AND NEW.ip_truncated IS NULL AND NEW.ua_hash IS NULL
     AND (to_jsonb(NEW) - 'ip_truncated' - 'ua_hash') = (to_jsonb(OLD) - 'ip_truncated' - 'ua_hash')
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'assent: % on % is not allowed (append-only)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DROP TRIGGER IF EXISTS consent_events_append_only ON consent_events;
--> statement-breakpoint
CREATE TRIGGER consent_events_append_only
  BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION assent_consent_events_guard();
