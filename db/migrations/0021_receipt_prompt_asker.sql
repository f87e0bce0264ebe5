-- A receipt question asked in a LINE chat belongs to the member who tapped for it, for a while:
-- in a group, what the others write meanwhile is not an answer, and a question left unanswered
-- ends as 'expired' (barter.services.line.RECEIPT_TTL). asked_by NULL: LINE did not say who
-- tapped (and questions asked before this migration).
ALTER TABLE line_receipt_prompts ADD COLUMN asked_by text;
ALTER TABLE line_receipt_prompts DROP CONSTRAINT line_receipt_prompts_state_check;
ALTER TABLE line_receipt_prompts ADD CONSTRAINT line_receipt_prompts_state_check
    CHECK (state IN ('asking', 'done', 'cancelled', 'expired'));
