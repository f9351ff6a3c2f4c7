-- +goose Up
-- Supplements to reports the EU Centre took (RP-17: the provider's answer to a request for
-- missing information; RP-09: the CyberTipline report id learnt after the report went out
-- without it). Each is a small signed document POSTed to <EU Centre URL>/<reference>/supplements
-- by the reporting worker, with the supplement id as idempotency key, retried with backoff.
CREATE TABLE report_supplements (
	id          TEXT PRIMARY KEY,
	report_id   TEXT NOT NULL REFERENCES reports (id),
	-- The report_feedback message (kind request_info) this answers, or '' when none (RP-17).
	in_reply_to TEXT NOT NULL DEFAULT '',
	-- The text, AES-256-GCM under the secret "report_record_key" with the supplement id as
	-- additional data (it may hold personal data); both empty when there is no text.
	text_nonce  BLOB NOT NULL,
	text        BLOB NOT NULL,
	-- Third-country references as JSON [{"entity", "reference"}] (RP-09): no personal data.
	third_country TEXT NOT NULL DEFAULT '[]',
	status      TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
	reference   TEXT NOT NULL DEFAULT '', -- the EU Centre's reference of the supplement
	created     INTEGER NOT NULL,
	created_by  TEXT NOT NULL, -- the user id, or 'system' for an automatic one
	sent        INTEGER NOT NULL DEFAULT 0,
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_try    INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX report_supplements_due ON report_supplements (status, next_try);
CREATE INDEX report_supplements_report ON report_supplements (report_id, created);
