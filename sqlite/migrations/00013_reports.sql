-- +goose Up
-- Reports to the EU Centre and the NCMEC CyberTipline: one per confirmed case, drafted in the
-- transaction that confirms it (RP-01: the confirmation is the awareness event).
CREATE TABLE reports (
	id          TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL UNIQUE REFERENCES cases (id),
	decision_id TEXT NOT NULL,
	type        TEXT NOT NULL CHECK (type IN ('known_csam', 'new_csam', 'solicitation')),
	status      TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_second_approval', 'queued',
	                'sending', 'sent', 'failed', 'retracted')),
	-- The vigil.ReportRecord as JSON, AES-256-GCM under the secret "report_record_key" with the
	-- report id as additional data: it holds the reported user's personal data.
	record_nonce BLOB NOT NULL,
	record       BLOB NOT NULL,
	awareness    INTEGER NOT NULL, -- the confirmation: the RP-01 SLA starts here
	approved     INTEGER NOT NULL DEFAULT 0, -- the last approval that queued it
	sent         INTEGER NOT NULL DEFAULT 0, -- the EU Centre took it
	retract_requested INTEGER NOT NULL DEFAULT 0, -- someone asked to retract; the worker does it
	attempts     INTEGER NOT NULL DEFAULT 0, -- failed attempts since the last progress
	next_try     INTEGER NOT NULL DEFAULT 0, -- when the sending worker next takes it
	last_error   TEXT NOT NULL DEFAULT '',
	created      INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	-- The record holds the reported user's personal data and is kept no longer than the case's
	-- evidence (PR-04, PR-06, IR-12): the evidence sweep erases it. erased is when (0 while the
	-- record is kept); record and record_nonce are then empty, and the row keeps only what the
	-- transparency report and the audit need (type, status, times, deliveries and their
	-- references, approvals).
	erased       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX reports_due ON reports (status, next_try);

-- Who approved which report (PP-04, SG-05, IR-08: two different people for new material and
-- solicitation).
CREATE TABLE report_approvals (
	report_id TEXT NOT NULL REFERENCES reports (id),
	approver  TEXT NOT NULL,
	name      TEXT NOT NULL,
	time      INTEGER NOT NULL,
	PRIMARY KEY (report_id, approver)
) STRICT, WITHOUT ROWID;

-- Delivery state per destination. Each step of the CyberTipline flow is recorded before the
-- next starts, so a restarted worker resumes where it stopped and never submits twice.
CREATE TABLE report_destinations (
	report_id   TEXT NOT NULL REFERENCES reports (id),
	destination TEXT NOT NULL CHECK (destination IN ('ncmec', 'eu_centre')),
	-- pending: not started; submitted: NCMEC gave a report id; finished: NCMEC finished it;
	-- sent: the EU Centre took it; retracted; failed.
	status      TEXT NOT NULL CHECK (status IN ('pending', 'submitted', 'finished', 'sent',
	                'retracted', 'failed')),
	reference   TEXT NOT NULL DEFAULT '', -- the NCMEC report id, or the EU Centre's reference
	started     INTEGER NOT NULL DEFAULT 0, -- NCMEC: when submit succeeded (the flow's age)
	done        INTEGER NOT NULL DEFAULT 0,
	last_error  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (report_id, destination)
) STRICT, WITHOUT ROWID;

-- The files of a CyberTipline report: one per reported content item, uploaded then described.
CREATE TABLE report_ncmec_files (
	report_id  TEXT NOT NULL REFERENCES reports (id),
	content_id TEXT NOT NULL,
	file_id    TEXT NOT NULL,
	md5        TEXT NOT NULL,
	described  INTEGER NOT NULL DEFAULT 0, -- fileinfo accepted
	PRIMARY KEY (report_id, content_id)
) STRICT, WITHOUT ROWID;

-- What the EU Centre said about a report (RP-15, RP-17, RP-18).
CREATE TABLE report_feedback (
	id        TEXT PRIMARY KEY,
	report_id TEXT NOT NULL REFERENCES reports (id),
	kind      TEXT NOT NULL CHECK (kind IN ('manifestly_unfounded', 'do_not_inform',
	              'do_not_remove', 'request_info')),
	until     INTEGER NOT NULL DEFAULT 0,
	reference TEXT NOT NULL DEFAULT '',
	text      TEXT NOT NULL DEFAULT '',
	received  INTEGER NOT NULL,
	-- The EU Centre retries its messages: the Idempotency-Key a sender gave a message makes a
	-- retry return the first answer instead of placing a hold twice.
	sender_id       TEXT NOT NULL DEFAULT '',
	idempotency_key TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX report_feedback_report ON report_feedback (report_id, received);
CREATE UNIQUE INDEX report_feedback_idempotency ON report_feedback (sender_id, idempotency_key)
	WHERE idempotency_key != '';

-- The reporting settings an admin sets: one row. settings is JSON (provider identity,
-- destinations, EU Centre URL, NCMEC environment and user name); the NCMEC password is
-- wrapped under the master key.
CREATE TABLE report_settings (
	id              INTEGER PRIMARY KEY CHECK (id = 1),
	settings        TEXT NOT NULL,
	ncmec_password  BLOB NOT NULL,
	updated         INTEGER NOT NULL
) STRICT;
