-- +goose Up
-- Audit events get their time as Unix milliseconds, like every other table, for filtering:
-- the text column keeps the exact text that was hashed, but text compares wrongly
-- ("...:00.5Z" sorts before "...:00Z"). The backfill reads that text: whole seconds with their
-- zone ("Z" or "+hh:mm"), plus the first three digits of the fraction, truncated as Go's
-- UnixMilli truncates.
ALTER TABLE audit_events ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0;
UPDATE audit_events SET time_ms =
	unixepoch(substr(time, 1, 19) || CASE WHEN time LIKE '%Z' THEN 'Z' ELSE substr(time, -6) END) * 1000
	+ CASE WHEN substr(time, 20, 1) = '.'
		THEN CAST(substr(substr(time, 21, length(time) - 20 - CASE WHEN time LIKE '%Z' THEN 1 ELSE 6 END) || '00', 1, 3) AS INTEGER)
		ELSE 0 END;
CREATE INDEX audit_events_time ON audit_events (time_ms, seq);

-- The master key the database is bound to, recorded as a value derived from it (never the key
-- itself), so that opening with another key fails at once instead of writing secrets and audit
-- events that the right key can neither read nor verify.
CREATE TABLE master_key (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	check_value BLOB NOT NULL
) STRICT;
