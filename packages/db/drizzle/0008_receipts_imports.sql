CREATE TABLE "consent_imports" (
	"property_id" text NOT NULL,
	"record_id" text NOT NULL,
	"record_hash" text NOT NULL,
	"event_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"provenance" jsonb NOT NULL,
	"imported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "consent_imports_property_id_record_id_pk" PRIMARY KEY("property_id","record_id")
);
--> statement-breakpoint
CREATE TABLE "receipt_signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "purposes" ADD COLUMN "sensitive_category" text;--> statement-breakpoint
ALTER TABLE "purposes" ADD COLUMN "minimum_age" jsonb;