CREATE TABLE "property_config_versions" (
	"property_id" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" bigint NOT NULL,
	"hits" integer NOT NULL,
	"prev_hits" integer DEFAULT 0 NOT NULL
);
