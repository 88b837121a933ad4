-- Issue 6: sign-in emails out of portal_codes/portal_sessions (blind index; sessions keep the
-- address encrypted), receipt keys encrypted as text, staff sign-in lockout counters.
-- Plain emails cannot become blind indexes in SQL (that needs the keyring), so live portal
-- sessions end (customers sign in again) and pending codes go; used sign-in-link markers stay
-- (they are found by id only) with an empty index. Plain identity secrets and receipt keys are
-- encrypted by the API at start-up (apps/api/src/security/stored-secrets.ts).
DELETE FROM "portal_step_ups";--> statement-breakpoint
DELETE FROM "portal_sessions";--> statement-breakpoint
DELETE FROM "portal_codes" WHERE "id" NOT LIKE 'lnk\_%';--> statement-breakpoint
CREATE TABLE "staff_sign_in_attempts" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "receipt_signing_keys" ALTER COLUMN "private_jwk" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "portal_codes" ADD COLUMN "email_index" text NOT NULL DEFAULT '';--> statement-breakpoint
ALTER TABLE "portal_codes" ALTER COLUMN "email_index" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD COLUMN "email_index" text NOT NULL;--> statement-breakpoint
CREATE INDEX "portal_codes_email" ON "portal_codes" USING btree ("email_index","created_at");--> statement-breakpoint
CREATE INDEX "portal_sessions_email" ON "portal_sessions" USING btree ("email_index");--> statement-breakpoint
ALTER TABLE "portal_codes" DROP COLUMN "email";