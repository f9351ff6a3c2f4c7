-- +goose Up
-- Banks: named hash lists and the policy for their matches (match.Bank). The name is the bank's
-- public id; the row id stays inside the database.
CREATE TABLE banks (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL CHECK (kind IN ('known', 'allow')),
	threshold   INTEGER NOT NULL,
	min_quality INTEGER NOT NULL,
	enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	source      TEXT NOT NULL,
	licence     TEXT NOT NULL,
	version     TEXT NOT NULL,
	created     INTEGER NOT NULL
) STRICT;

-- Bank entries (match.Entry). The id is the entry's public id (HMA's bank_content_id):
-- AUTOINCREMENT so that an id is never given twice, even after the bank holding the largest
-- ids is deleted. A bank holds each signal once.
CREATE TABLE bank_entries (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	bank_id        INTEGER NOT NULL REFERENCES banks (id) ON DELETE CASCADE,
	signal_type    TEXT NOT NULL,
	signal         TEXT NOT NULL,
	supplier_id    TEXT NOT NULL,
	category       TEXT NOT NULL,
	note           TEXT NOT NULL,
	disabled_until INTEGER NOT NULL,
	added          INTEGER NOT NULL,
	UNIQUE (bank_id, signal_type, signal)
) STRICT;
CREATE INDEX bank_entries_bank ON bank_entries (bank_id, id);

-- The number of the banks' state (match.Versioned): one more with every change to banks or
-- entries, in the change's transaction, so that a Matcher snapshot can be checked against it.
CREATE TABLE bank_store_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
) STRICT;
INSERT INTO bank_store_version (id, version) VALUES (1, 0);
