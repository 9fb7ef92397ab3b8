CREATE TABLE "llm_settings" (
	"workspace_id" uuid NOT NULL,
	"chatbot_id" uuid,
	"provider_order" jsonb NOT NULL,
	"use_platform_key" boolean DEFAULT true NOT NULL,
	"fallback_enabled" boolean DEFAULT false NOT NULL,
	"fallback_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_settings_scope_unique" UNIQUE NULLS NOT DISTINCT("workspace_id","chatbot_id")
);
--> statement-breakpoint
ALTER TABLE "llm_keys" DROP CONSTRAINT "llm_keys_workspace_id_provider_pk";--> statement-breakpoint
ALTER TABLE "chatbots" ADD COLUMN "llm_key_source" text DEFAULT 'workspace' NOT NULL;--> statement-breakpoint
ALTER TABLE "llm_keys" ADD COLUMN "chatbot_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "fallback_from" jsonb;--> statement-breakpoint
ALTER TABLE "llm_settings" ADD CONSTRAINT "llm_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_settings" ADD CONSTRAINT "llm_settings_chatbot_id_chatbots_id_fk" FOREIGN KEY ("chatbot_id") REFERENCES "public"."chatbots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_keys" ADD CONSTRAINT "llm_keys_chatbot_id_chatbots_id_fk" FOREIGN KEY ("chatbot_id") REFERENCES "public"."chatbots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_keys" ADD CONSTRAINT "llm_keys_scope_provider_unique" UNIQUE NULLS NOT DISTINCT("workspace_id","chatbot_id","provider");--> statement-breakpoint
ALTER TABLE "chatbots" ADD CONSTRAINT "chatbots_llm_key_source_check" CHECK ("chatbots"."llm_key_source" in ('workspace','own'));