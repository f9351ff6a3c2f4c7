-- +goose Up
-- A report's record holds the reported user's personal data and is kept no longer than the
-- case's evidence (PR-04, PR-06, IR-12): the evidence sweep erases it. erased is when (0 while
-- the record is kept); record and record_nonce are then empty, and the row keeps only what
-- the transparency report and the audit need (type, status, times, deliveries and their
-- references, approvals).
ALTER TABLE reports ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;

-- The EU Centre retries its messages: the Idempotency-Key a sender gave a message makes a
-- retry return the first answer instead of placing a hold twice.
ALTER TABLE report_feedback ADD COLUMN sender_id TEXT NOT NULL DEFAULT '';
ALTER TABLE report_feedback ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX report_feedback_idempotency ON report_feedback (sender_id, idempotency_key)
	WHERE idempotency_key != '';
