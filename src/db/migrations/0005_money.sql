CREATE TABLE "model_prices" (
	"workspace_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"input_per_mtok" numeric NOT NULL,
	"output_per_mtok" numeric NOT NULL,
	"cache_read_per_mtok" numeric,
	"cache_write_per_mtok" numeric,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_prices_workspace_id_provider_model_pk" PRIMARY KEY("workspace_id","provider","model")
);
--> statement-breakpoint
CREATE TABLE "usage_days" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"chatbot_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"key_source" text NOT NULL,
	"masked_key" text NOT NULL,
	"model" text NOT NULL,
	"messages" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric DEFAULT '0' NOT NULL,
	"saved_by_caching_usd" numeric DEFAULT '0' NOT NULL,
	"unpriced" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_days_workspace_id_day_chatbot_id_provider_key_source_masked_key_model_pk" PRIMARY KEY("workspace_id","day","chatbot_id","provider","key_source","masked_key","model")
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "cache_read_tokens" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "cache_write_tokens" integer;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "cost_usd" numeric;--> statement-breakpoint
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_days" ADD CONSTRAINT "usage_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_days" ADD CONSTRAINT "usage_days_chatbot_id_chatbots_id_fk" FOREIGN KEY ("chatbot_id") REFERENCES "public"."chatbots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Usage so far, summed by day into the rollup. Replies stored before prices existed have no cost.
INSERT INTO "usage_days" ("workspace_id", "day", "chatbot_id", "provider", "key_source", "masked_key", "model",
  "messages", "failed", "input_tokens", "output_tokens", "unpriced")
SELECT m."workspace_id", (m."created_at" AT TIME ZONE 'UTC')::date, c."chatbot_id", m."provider", m."key_source",
  CASE WHEN m."key_source" = 'platform' THEN '' ELSE coalesce(m."masked_key", '') END, coalesce(m."model", ''),
  count(*), count(*) FILTER (WHERE m."status" = 'failed'), coalesce(sum(m."input_tokens"), 0),
  coalesce(sum(m."output_tokens"), 0),
  count(*) FILTER (WHERE coalesce(m."input_tokens", 0) + coalesce(m."output_tokens", 0) > 0)
FROM "messages" m JOIN "conversations" c ON c."id" = m."conversation_id"
WHERE m."role" = 'assistant' AND m."status" <> 'streaming' AND m."provider" IS NOT NULL AND m."key_source" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7;
