CREATE TABLE "citations" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"source_id" integer NOT NULL,
	"original_url" text NOT NULL,
	"position" integer NOT NULL,
	"title" text,
	"outlet" text,
	"date" text,
	"tier" integer,
	"archive_url" text,
	"extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attached_at" timestamp with time zone DEFAULT now() NOT NULL,
	"detached_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"date" text,
	"importance" integer,
	"status" text,
	"description" text DEFAULT '' NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"actors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source_path" text NOT NULL,
	"content_hash" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ingest_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"paths" jsonb NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rejections" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_urls" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"url" text NOT NULL,
	"kind" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"host" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"state_reason" text,
	"state_since" timestamp with time zone,
	"state_change_id" integer,
	"checked_at" timestamp with time zone,
	"next_check_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"etag" text,
	"last_modified" text,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "captures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer,
	"requested_url" text NOT NULL,
	"redirects" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"final_url" text,
	"http_status" integer,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fetcher" text NOT NULL,
	"outcome" text NOT NULL,
	"error_kind" text,
	"error_message" text,
	"body_hash" text,
	"snapshot_id" bigint,
	"rendered_snapshot_id" bigint,
	"screenshot_hash" text,
	"worker_id" text
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"host" text PRIMARY KEY NOT NULL,
	"last_request_at" timestamp with time zone,
	"not_before" timestamp with time zone,
	"render_mode" text DEFAULT 'http' NOT NULL,
	"robots_txt" text,
	"robots_fetched_at" timestamp with time zone,
	"probe" jsonb,
	"probed_at" timestamp with time zone,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"content_type" text,
	"kind" text DEFAULT 'raw' NOT NULL,
	"size" integer NOT NULL,
	"body" "bytea" NOT NULL,
	"title" text,
	"text" text,
	"text_hash" text,
	"extractor_version" integer,
	"fingerprint" bigint,
	"signals" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"from_snapshot_id" bigint NOT NULL,
	"to_snapshot_id" bigint NOT NULL,
	"classification" text NOT NULL,
	"kinds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"significance" real NOT NULL,
	"added" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"removed" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text,
	"diff_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flag_sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"flag_id" integer NOT NULL,
	"source_id" integer NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"change_id" integer,
	"touches_claim" jsonb,
	"since_capture_id" bigint,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" serial PRIMARY KEY NOT NULL,
	"flag_id" integer NOT NULL,
	"action" text NOT NULL,
	"reviewer" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_states" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"capture_id" bigint,
	"change_id" integer,
	"since_capture_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "citations" ADD CONSTRAINT "citations_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "citations" ADD CONSTRAINT "citations_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_urls" ADD CONSTRAINT "source_urls_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captures" ADD CONSTRAINT "captures_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captures" ADD CONSTRAINT "captures_snapshot_id_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captures" ADD CONSTRAINT "captures_rendered_snapshot_id_snapshots_id_fk" FOREIGN KEY ("rendered_snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_from_snapshot_id_snapshots_id_fk" FOREIGN KEY ("from_snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "changes" ADD CONSTRAINT "changes_to_snapshot_id_snapshots_id_fk" FOREIGN KEY ("to_snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_sources" ADD CONSTRAINT "flag_sources_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_sources" ADD CONSTRAINT "flag_sources_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_sources" ADD CONSTRAINT "flag_sources_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_sources" ADD CONSTRAINT "flag_sources_since_capture_id_captures_id_fk" FOREIGN KEY ("since_capture_id") REFERENCES "public"."captures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_states" ADD CONSTRAINT "source_states_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_states" ADD CONSTRAINT "source_states_capture_id_captures_id_fk" FOREIGN KEY ("capture_id") REFERENCES "public"."captures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_states" ADD CONSTRAINT "source_states_change_id_changes_id_fk" FOREIGN KEY ("change_id") REFERENCES "public"."changes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_states" ADD CONSTRAINT "source_states_since_capture_id_captures_id_fk" FOREIGN KEY ("since_capture_id") REFERENCES "public"."captures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "citations_event_source_idx" ON "citations" USING btree ("event_id","source_id");--> statement-breakpoint
CREATE INDEX "citations_source_idx" ON "citations" USING btree ("source_id");--> statement-breakpoint
CREATE INDEX "citations_attached_idx" ON "citations" USING btree ("event_id") WHERE "citations"."detached_at" is null;--> statement-breakpoint
CREATE INDEX "events_importance_idx" ON "events" USING btree ("importance");--> statement-breakpoint
CREATE UNIQUE INDEX "source_urls_source_url_kind_idx" ON "source_urls" USING btree ("source_id","url","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "sources_url_idx" ON "sources" USING btree ("url");--> statement-breakpoint
CREATE INDEX "sources_host_idx" ON "sources" USING btree ("host");--> statement-breakpoint
CREATE INDEX "sources_due_idx" ON "sources" USING btree ("next_check_at");--> statement-breakpoint
CREATE INDEX "sources_state_idx" ON "sources" USING btree ("state");--> statement-breakpoint
CREATE INDEX "captures_source_time_idx" ON "captures" USING btree ("source_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "snapshots_hash_idx" ON "snapshots" USING btree ("hash");--> statement-breakpoint
CREATE UNIQUE INDEX "changes_pair_idx" ON "changes" USING btree ("from_snapshot_id","to_snapshot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "flag_sources_flag_source_state_idx" ON "flag_sources" USING btree ("flag_id","source_id","state","change_id");--> statement-breakpoint
CREATE UNIQUE INDEX "flags_one_open_per_event_idx" ON "flags" USING btree ("event_id") WHERE "flags"."status" = 'open';--> statement-breakpoint
CREATE INDEX "flags_event_idx" ON "flags" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "source_states_source_idx" ON "source_states" USING btree ("source_id","at");