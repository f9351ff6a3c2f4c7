-- +goose Up
-- Cases: one per matched content item, the unit of human review.
CREATE TABLE cases (
	id         TEXT PRIMARY KEY,
	content_id TEXT NOT NULL UNIQUE,
	service    TEXT NOT NULL,
	status     TEXT NOT NULL,
	priority   TEXT NOT NULL,
	assignee   TEXT NOT NULL DEFAULT '',
	category   TEXT NOT NULL DEFAULT '',
	matches    TEXT NOT NULL, -- JSON array of the matches, as the pipeline found them
	signals    TEXT NOT NULL, -- JSON array of the content's own signals, for allow banks
	media_type TEXT NOT NULL DEFAULT '',
	opened     INTEGER NOT NULL,
	updated    INTEGER NOT NULL
) STRICT;
-- The queue order: urgent first, then oldest first (ids are time-ordered).
CREATE INDEX cases_queue ON cases (status, priority, id);
CREATE INDEX cases_opened ON cases (opened);

-- The banks each case matched, for the bank filter.
CREATE TABLE case_banks (
	bank    TEXT NOT NULL,
	case_id TEXT NOT NULL REFERENCES cases (id),
	PRIMARY KEY (bank, case_id)
) STRICT, WITHOUT ROWID;

-- The content's bytes, AES-256-GCM encrypted, kept only while the case is open.
CREATE TABLE case_media (
	case_id TEXT PRIMARY KEY REFERENCES cases (id),
	nonce   BLOB NOT NULL,
	data    BLOB NOT NULL
) STRICT;

CREATE TABLE case_decisions (
	id           TEXT PRIMARY KEY,
	case_id      TEXT NOT NULL REFERENCES cases (id),
	reviewer     TEXT NOT NULL,
	verdict      TEXT NOT NULL,
	category     TEXT NOT NULL,
	reason       TEXT NOT NULL,
	viewed_media INTEGER NOT NULL,
	allow_bank   TEXT NOT NULL,
	time         INTEGER NOT NULL
) STRICT;
CREATE INDEX case_decisions_case ON case_decisions (case_id, time);

CREATE TABLE case_comments (
	id      TEXT PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id),
	author  TEXT NOT NULL,
	text    TEXT NOT NULL,
	time    INTEGER NOT NULL
) STRICT;
CREATE INDEX case_comments_case ON case_comments (case_id, time);

-- Every reveal of a case's media, for the decision's viewed flag and the per-reviewer hourly cap.
CREATE TABLE case_views (
	viewer  TEXT NOT NULL,
	time    INTEGER NOT NULL,
	case_id TEXT NOT NULL REFERENCES cases (id)
) STRICT;
CREATE INDEX case_views_viewer ON case_views (viewer, time);
CREATE INDEX case_views_case ON case_views (case_id, viewer);
