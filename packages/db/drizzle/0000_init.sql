CREATE TABLE "consent_events" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"property_id" text NOT NULL,
	"purpose_id" text NOT NULL,
	"notice_id" text NOT NULL,
	"notice_hash" text NOT NULL,
	"decision" text NOT NULL,
	"source" text NOT NULL,
	"surface" text,
	"actor" text DEFAULT 'subject' NOT NULL,
	"locale" text NOT NULL,
	"jurisdiction" text NOT NULL,
	"collected_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"batch_id" text NOT NULL,
	"ip_truncated" text,
	"ua_hash" text,
	"gpc" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_states" (
	"subject_id" text NOT NULL,
	"purpose_id" text NOT NULL,
	"property_id" text NOT NULL,
	"decision" text NOT NULL,
	"event_id" text NOT NULL,
	"notice_id" text NOT NULL,
	"notice_version" integer NOT NULL,
	"source" text NOT NULL,
	"gpc" boolean DEFAULT false NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "consent_states_subject_id_purpose_id_pk" PRIMARY KEY("subject_id","purpose_id")
);
--> statement-breakpoint
CREATE TABLE "dev_mailbox" (
	"id" text PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"property_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"property_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_property_id_key_pk" PRIMARY KEY("property_id","key")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose_id" text NOT NULL,
	"locale" text NOT NULL,
	"version" integer NOT NULL,
	"material" boolean DEFAULT true NOT NULL,
	"content" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"property_id" text NOT NULL,
	"subject_id" text,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "portal_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "properties" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"publishable_key" text NOT NULL,
	"identity_secret" text NOT NULL,
	"allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"default_locale" text DEFAULT 'en' NOT NULL,
	"locales" text[] DEFAULT '{en}'::text[] NOT NULL,
	"jurisdiction" text DEFAULT 'CN' NOT NULL,
	"controller" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "properties_publishable_key_unique" UNIQUE("publishable_key")
);
--> statement-breakpoint
CREATE TABLE "purposes" (
	"id" text PRIMARY KEY NOT NULL,
	"property_id" text NOT NULL,
	"key" text NOT NULL,
	"legal_basis" text NOT NULL,
	"category" text NOT NULL,
	"necessary" boolean DEFAULT false NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"separate_consent" text,
	"gpc_opt_out" boolean DEFAULT false NOT NULL,
	"reconfirm_after_days" integer NOT NULL,
	"refusal_quiet_days" integer NOT NULL,
	"retention_days" integer NOT NULL,
	"data_categories" jsonb NOT NULL,
	"recipients" jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects" (
	"id" text PRIMARY KEY NOT NULL,
	"property_id" text NOT NULL,
	"external_id" text,
	"email" text,
	"merged_into" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_purpose_id_purposes_id_fk" FOREIGN KEY ("purpose_id") REFERENCES "public"."purposes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_states" ADD CONSTRAINT "consent_states_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_states" ADD CONSTRAINT "consent_states_purpose_id_purposes_id_fk" FOREIGN KEY ("purpose_id") REFERENCES "public"."purposes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_purpose_id_purposes_id_fk" FOREIGN KEY ("purpose_id") REFERENCES "public"."purposes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purposes" ADD CONSTRAINT "purposes_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects" ADD CONSTRAINT "subjects_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_events_subject" ON "consent_events" USING btree ("subject_id","purpose_id","collected_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_purpose_locale_version" ON "notices" USING btree ("purpose_id","locale","version");--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("created_at") WHERE delivered_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "purposes_property_key" ON "purposes" USING btree ("property_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "subjects_property_external" ON "subjects" USING btree ("property_id","external_id");--> statement-breakpoint
CREATE INDEX "subjects_email" ON "subjects" USING btree ("email");