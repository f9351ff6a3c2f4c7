-- +goose Up
-- The evidence vault (PR-01..PR-07, IR-12). Each row describes one preserved object; its bytes
-- live encrypted in a file under DATA/evidence/ named by the id, under a fresh data key that is
-- stored here wrapped by the evidence key (a key file of its own, not the master key). When the
-- object is deleted the row stays as a tombstone: status 'deleted', the wrapped data key erased
-- (crypto-shredding), the deletion time and reason recorded.
CREATE TABLE evidence (
	id          TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL REFERENCES cases (id),
	content_id  TEXT NOT NULL,
	service     TEXT NOT NULL,
	purposes    TEXT NOT NULL CHECK (json_valid(purposes) AND json_array_length(purposes) > 0), -- JSON array, PR-01/PR-02
	policy      TEXT NOT NULL,    -- the jurisdiction policy that set the deadline, e.g. "eu 12 months"
	identified  INTEGER NOT NULL, -- when the material was identified (the confirmation): the 12 months run from here
	deadline    INTEGER NOT NULL, -- delete at; legal holds extend it
	status      TEXT NOT NULL CHECK (status IN ('kept', 'deleted')),
	size        INTEGER NOT NULL,
	media_type  TEXT NOT NULL,
	sha256      TEXT NOT NULL,    -- hex SHA-256 of the plaintext, proof of what was kept and deleted
	key_id      TEXT NOT NULL,    -- the evidence key that wraps the data key; '' once deleted
	wrapped_key BLOB,             -- the data key wrapped under key_id; NULL once deleted
	created     INTEGER NOT NULL,
	deleted     INTEGER NOT NULL DEFAULT 0,
	reason      TEXT NOT NULL DEFAULT '' -- why it was deleted
) STRICT;
CREATE INDEX evidence_case ON evidence (case_id);
CREATE INDEX evidence_due ON evidence (status, deadline);
-- Rotation (vigil evidence rotate-key) re-wraps every row whose key_id is not the new key's.
CREATE INDEX evidence_key ON evidence (key_id) WHERE status = 'kept';
