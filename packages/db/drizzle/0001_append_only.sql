-- Consent events are evidence: the database itself refuses to rewrite history
-- (REQUIREMENTS P2). The erasure path of a later change will pass through a dedicated,
-- audited function instead of lifting this rule.
CREATE OR REPLACE FUNCTION assent_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'assent: % on % is not allowed (append-only)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER consent_events_append_only
  BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION assent_refuse_change();
--> statement-breakpoint
CREATE TRIGGER consent_events_no_truncate
  BEFORE TRUNCATE ON consent_events
  FOR EACH STATEMENT EXECUTE FUNCTION assent_refuse_change();
