CREATE TABLE "chatbot_refused_origins" (
	"chatbot_id" uuid NOT NULL,
	"origin" text NOT NULL,
	"refusals" integer DEFAULT 1 NOT NULL,
	"last_refused_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chatbot_refused_origins_chatbot_id_origin_pk" PRIMARY KEY("chatbot_id","origin")
);
--> statement-breakpoint
ALTER TABLE "chatbots" ADD COLUMN "theme" text DEFAULT 'light' NOT NULL;--> statement-breakpoint
ALTER TABLE "chatbots" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "chatbots" ADD COLUMN "starter_questions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "rating" smallint;--> statement-breakpoint
ALTER TABLE "chatbot_refused_origins" ADD CONSTRAINT "chatbot_refused_origins_chatbot_id_chatbots_id_fk" FOREIGN KEY ("chatbot_id") REFERENCES "public"."chatbots"("id") ON DELETE cascade ON UPDATE no action;