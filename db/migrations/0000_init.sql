CREATE TABLE "claims" (
	"claim_id" text PRIMARY KEY NOT NULL,
	"partner" text NOT NULL,
	"program" text NOT NULL,
	"activity" text NOT NULL,
	"usage_start" date NOT NULL,
	"usage_end" date NOT NULL,
	"deadline" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"completeness" text DEFAULT 'incomplete' NOT NULL,
	"currency" text,
	"checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_status_check" CHECK ("claims"."status" in ('draft', 'submitted', 'needs_info', 'approved', 'rejected')),
	CONSTRAINT "claims_completeness_check" CHECK ("claims"."completeness" in ('complete', 'incomplete')),
	CONSTRAINT "claims_usage_period_check" CHECK ("claims"."usage_end" >= "claims"."usage_start")
);
--> statement-breakpoint
CREATE TABLE "expenses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" text NOT NULL,
	"expense_id" text NOT NULL,
	"type" text NOT NULL,
	"vendor" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"date" date NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "expenses_claim_expense_unique" UNIQUE("claim_id","expense_id"),
	CONSTRAINT "expenses_type_check" CHECK ("expenses"."type" in ('third_party', 'in_house'))
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" text NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"file_type" text,
	"mime" text,
	"size" bigint NOT NULL,
	"storage_key" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"error_code" text,
	"error_message" text,
	"page_count" integer,
	"method" text,
	"kind" text,
	"activity_date" date NOT NULL,
	"retention_until" date NOT NULL,
	"uploaded_by" text,
	"duplicate_of" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_claim_sha256_unique" UNIQUE("claim_id","sha256"),
	CONSTRAINT "documents_status_check" CHECK ("documents"."status" in ('queued', 'processing', 'done', 'failed')),
	CONSTRAINT "documents_kind_check" CHECK ("documents"."kind" is null or "documents"."kind" in ('invoice', 'csr', 'poe', 'other')),
	CONSTRAINT "documents_method_check" CHECK ("documents"."method" is null or "documents"."method" in ('text', 'ocr')),
	CONSTRAINT "documents_file_type_check" CHECK ("documents"."file_type" is null or "documents"."file_type" in ('pdf', 'png', 'jpeg', 'tiff', 'webp')),
	CONSTRAINT "documents_sha256_check" CHECK ("documents"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "extractions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" text NOT NULL,
	"kind_confidence" real NOT NULL,
	"fields" jsonb NOT NULL,
	"csr" jsonb,
	"method" text,
	"text" text DEFAULT '' NOT NULL,
	"corrected_fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "extractions_document_version_unique" UNIQUE("document_id","version"),
	CONSTRAINT "extractions_kind_check" CHECK ("extractions"."kind" in ('invoice', 'csr', 'poe', 'other')),
	CONSTRAINT "extractions_version_check" CHECK ("extractions"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" text NOT NULL,
	"expense_ref" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"score" real NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matches_expense_unique" UNIQUE("expense_ref"),
	CONSTRAINT "matches_document_unique" UNIQUE("document_id")
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" text NOT NULL,
	"code" text NOT NULL,
	"severity" text NOT NULL,
	"expense_ref" uuid,
	"document_id" uuid,
	"message" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"fingerprint" text NOT NULL,
	"raised" boolean DEFAULT true NOT NULL,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flags_fingerprint_unique" UNIQUE("fingerprint"),
	CONSTRAINT "flags_severity_check" CHECK ("flags"."severity" in ('blocking', 'review', 'info')),
	CONSTRAINT "flags_status_check" CHECK ("flags"."status" in ('open', 'resolved', 'dismissed'))
);
--> statement-breakpoint
CREATE TABLE "claim_status_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "claim_status_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"claim_id" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"note" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_status_history_to_check" CHECK ("claim_status_history"."to_status" in ('draft', 'submitted', 'needs_info', 'approved', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"claim_id" text,
	"before" jsonb,
	"after" jsonb,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"role" text NOT NULL,
	"partner" text,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "api_tokens_role_check" CHECK ("api_tokens"."role" in ('submitter', 'reviewer', 'admin')),
	CONSTRAINT "api_tokens_submitter_partner_check" CHECK ("api_tokens"."role" <> 'submitter' or "api_tokens"."partner" is not null)
);
--> statement-breakpoint
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_claim_id_claims_claim_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("claim_id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_claim_id_claims_claim_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("claim_id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_duplicate_of_documents_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extractions" ADD CONSTRAINT "extractions_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_claim_id_claims_claim_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("claim_id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_expense_ref_expenses_id_fk" FOREIGN KEY ("expense_ref") REFERENCES "public"."expenses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_claim_id_claims_claim_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("claim_id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_expense_ref_expenses_id_fk" FOREIGN KEY ("expense_ref") REFERENCES "public"."expenses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_status_history" ADD CONSTRAINT "claim_status_history_claim_id_claims_claim_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("claim_id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX "claims_partner_idx" ON "claims" USING btree ("partner");--> statement-breakpoint
CREATE INDEX "claims_status_idx" ON "claims" USING btree ("status");--> statement-breakpoint
CREATE INDEX "claims_deadline_idx" ON "claims" USING btree ("deadline");--> statement-breakpoint
CREATE INDEX "claims_completeness_deadline_idx" ON "claims" USING btree ("completeness","deadline");--> statement-breakpoint
CREATE INDEX "documents_sha256_idx" ON "documents" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "documents_status_idx" ON "documents" USING btree ("status");--> statement-breakpoint
CREATE INDEX "matches_claim_idx" ON "matches" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "flags_claim_idx" ON "flags" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "flags_status_idx" ON "flags" USING btree ("status","severity");--> statement-breakpoint
CREATE INDEX "flags_document_idx" ON "flags" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "claim_status_history_claim_idx" ON "claim_status_history" USING btree ("claim_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_claim_idx" ON "audit_log" USING btree ("claim_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id");