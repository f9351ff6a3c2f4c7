-- +goose Up
-- The platform's services as an admin configured them: the policy gate reads type and
-- jurisdiction to find the legal basis for scanning.
CREATE TABLE services (
	name         TEXT PRIMARY KEY,
	type         TEXT NOT NULL,
	jurisdiction TEXT NOT NULL,
	enabled      INTEGER NOT NULL,
	created      INTEGER NOT NULL
) STRICT;

-- Every item submitted, with its verdict. Non-matching content keeps only this row: no bytes,
-- no hashes.
CREATE TABLE content (
	row         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	service     TEXT NOT NULL,
	external_id TEXT NOT NULL,
	uploader    TEXT NOT NULL,
	type        TEXT NOT NULL,
	flags       TEXT NOT NULL, -- JSON array
	metadata    TEXT NOT NULL, -- JSON object
	url         TEXT NOT NULL,
	size        INTEGER NOT NULL,
	received    INTEGER NOT NULL,
	status      TEXT NOT NULL,
	reason      TEXT NOT NULL,
	matches     TEXT NOT NULL, -- JSON array, for matches only
	case_id     TEXT NOT NULL,
	decided     INTEGER NOT NULL
) STRICT;
-- Idempotency: one item per (service, external id) when the platform gives an id.
CREATE UNIQUE INDEX content_external ON content (service, external_id) WHERE external_id != '';

-- Items accepted and not yet scanned, with what the worker needs: the bytes, or nothing when
-- the content row's URL is to be fetched, or the signals of a hash-only submission. A job is
-- deleted in the transaction that writes its verdict, so a verdict is written exactly once.
CREATE TABLE content_jobs (
	content_row INTEGER PRIMARY KEY REFERENCES content (row),
	kind        TEXT NOT NULL,
	payload     BLOB NOT NULL
) STRICT;

-- Aggregate counts of verdicts per day (Unix ms of midnight UTC), service and status: what
-- remains of non-matching content, for dashboards and transparency reports.
CREATE TABLE content_counts (
	day     INTEGER NOT NULL,
	service TEXT NOT NULL,
	status  TEXT NOT NULL,
	count   INTEGER NOT NULL,
	PRIMARY KEY (day, service, status)
) STRICT, WITHOUT ROWID;
