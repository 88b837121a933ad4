CREATE TABLE "data_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"property_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"handles" text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "legal_holds" (
	"subject_id" text NOT NULL,
	"request_id" text NOT NULL,
	"property_id" text NOT NULL,
	"held_at" timestamp with time zone NOT NULL,
	"basis" text NOT NULL,
	CONSTRAINT "legal_holds_subject_id_request_id_pk" PRIMARY KEY("subject_id","request_id")
);
--> statement-breakpoint
CREATE TABLE "portal_step_ups" (
	"session_id" text PRIMARY KEY NOT NULL,
	"verified_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_request_events" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "privacy_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"property_id" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"ack_due_at" timestamp with time zone,
	"due_at" timestamp with time zone NOT NULL,
	"execute_after" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"reason" text,
	"overdue_alerted_at" timestamp with time zone,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_calls" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"result" jsonb,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "request_exports" (
	"request_id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"json" jsonb NOT NULL,
	"csv" text NOT NULL,
	"html" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subject_profiles" (
	"subject_id" text PRIMARY KEY NOT NULL,
	"property_id" text NOT NULL,
	"name" text,
	"phone" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "privacy_request_events" ADD CONSTRAINT "privacy_request_events_request_id_privacy_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."privacy_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_calls" ADD CONSTRAINT "provider_calls_request_id_privacy_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."privacy_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_calls" ADD CONSTRAINT "provider_calls_provider_id_data_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."data_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_exports" ADD CONSTRAINT "request_exports_request_id_privacy_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."privacy_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_request_events_request" ON "privacy_request_events" USING btree ("request_id","at");--> statement-breakpoint
CREATE INDEX "privacy_requests_subject" ON "privacy_requests" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "privacy_requests_open" ON "privacy_requests" USING btree ("status","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_calls_request_provider" ON "provider_calls" USING btree ("request_id","provider_id");--> statement-breakpoint
CREATE INDEX "provider_calls_due" ON "provider_calls" USING btree ("status","next_attempt_at");