CREATE TABLE "spend_months" (
	"workspace_id" uuid NOT NULL,
	"month" date NOT NULL,
	"subject" text NOT NULL,
	"spent_usd" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "spend_months_workspace_id_month_subject_pk" PRIMARY KEY("workspace_id","month","subject")
);
--> statement-breakpoint
ALTER TABLE "chatbots" ADD COLUMN "monthly_budget_usd" numeric;--> statement-breakpoint
ALTER TABLE "chatbots" ADD COLUMN "paused_message" text;--> statement-breakpoint
ALTER TABLE "llm_keys" ADD COLUMN "monthly_budget_usd" numeric;--> statement-breakpoint
ALTER TABLE "spend_months" ADD CONSTRAINT "spend_months_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- This month's spend so far, from the costs already stored on replies.
INSERT INTO "spend_months" ("workspace_id", "month", "subject", "spent_usd")
SELECT m."workspace_id", date_trunc('month', m."created_at" AT TIME ZONE 'UTC')::date, subject, sum(m."cost_usd")
FROM "messages" m
JOIN "conversations" c ON c."id" = m."conversation_id"
CROSS JOIN LATERAL (VALUES ('chatbot:' || c."chatbot_id"),
  (CASE WHEN m."key_source" = 'workspace' THEN 'key:workspace:' || m."provider" END)) AS subjects(subject)
WHERE m."role" = 'assistant' AND m."cost_usd" IS NOT NULL AND subject IS NOT NULL
  AND m."created_at" >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
GROUP BY 1, 2, 3;
