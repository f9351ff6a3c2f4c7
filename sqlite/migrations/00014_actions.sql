-- +goose Up
-- Actions: what the platform was asked to do with an item or its uploader (remove, disable,
-- restore; suspend and reinstate the uploader's account),
-- why (the trigger, for the transparency report's removals by trigger: TR-03) and whether it
-- did. content_id is '' when an authority's order names only a URL. A held takedown is
-- withdrawn, never to be sent, when a complaint about the item is upheld.
CREATE TABLE actions (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('remove', 'disable', 'restore', 'suspend', 'reinstate')),
	trigger    TEXT NOT NULL CHECK (trigger IN ('own_initiative', 'removal_order', 'authority',
		'eu_centre', 'third_party', 'complaint')),
	content_id TEXT NOT NULL,
	url        TEXT NOT NULL,
	service    TEXT NOT NULL,
	case_id    TEXT NOT NULL,
	reference  TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('requested', 'done', 'held', 'failed', 'withdrawn')),
	hold_id    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	requested  INTEGER NOT NULL,
	done       INTEGER NOT NULL
) STRICT;
CREATE INDEX actions_content ON actions (content_id, id);
CREATE INDEX actions_status ON actions (status, id);
CREATE INDEX actions_reference ON actions (reference) WHERE reference != '';

-- The automatic action a confirmed case sets off, per service; a service without a row removes.
CREATE TABLE action_settings (
	service    TEXT PRIMARY KEY REFERENCES services (name),
	on_confirm TEXT NOT NULL CHECK (on_confirm IN ('remove', 'disable', 'none')),
	updated    INTEGER NOT NULL
) STRICT;

-- Holds: do_not_remove (RP-18), do_not_inform (RP-15, RO-08) and legal (PR-04) holds on one item.
-- An item's active holds of a kind are those with start <= t < until and not released by t.
CREATE TABLE holds (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('do_not_remove', 'do_not_inform', 'legal')),
	content_id TEXT NOT NULL,
	case_id    TEXT NOT NULL,
	authority  TEXT NOT NULL,
	reference  TEXT NOT NULL CHECK (reference != ''),
	order_id   TEXT NOT NULL, -- a removal order's non-disclosure: 6 weeks, extendable once
	reason     TEXT NOT NULL,
	start      INTEGER NOT NULL,
	until      INTEGER NOT NULL CHECK (until > start),
	extended   INTEGER NOT NULL CHECK (extended IN (0, 1)),
	released   INTEGER NOT NULL, -- 0 while in force
	created    INTEGER NOT NULL
) STRICT;
CREATE INDEX holds_content ON holds (content_id, kind, until);

-- User notices and their timing state (package notice): scheduled until due, held while a
-- do_not_inform hold covers the item, sent once handed to the platform's webhook.
CREATE TABLE notices (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('removal', 'report', 'complaint', 'restored', 'account')),
	content_id TEXT NOT NULL,
	case_id    TEXT NOT NULL,
	service    TEXT NOT NULL,
	uploader   TEXT NOT NULL,
	language   TEXT NOT NULL,
	reference  TEXT NOT NULL,
	basis      INTEGER NOT NULL,
	due        INTEGER NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'sent', 'cancelled')),
	hold_id    TEXT NOT NULL,
	text       TEXT NOT NULL,
	sent       INTEGER NOT NULL,
	-- released is set when the EU Centre called the report manifestly unfounded: the notice is
	-- due at once and no later hold delays it again (RP-15).
	released   INTEGER NOT NULL,
	created    INTEGER NOT NULL
) STRICT;
CREATE INDEX notices_due ON notices (status, due);
CREATE INDEX notices_content ON notices (content_id, kind);

-- What every user notice says about the provider (package notice): one row, set by an admin.
CREATE TABLE notice_settings (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	provider      TEXT NOT NULL,
	complaint_url TEXT NOT NULL,
	authority     TEXT NOT NULL,
	authority_url TEXT NOT NULL,
	updated       INTEGER NOT NULL
) STRICT;

-- User complaints (SG-06, IR-09), every step timestamped for the transparency report (TR-02).
CREATE TABLE complaints (
	id              TEXT PRIMARY KEY,
	content_id      TEXT NOT NULL,
	case_id         TEXT NOT NULL,
	service         TEXT NOT NULL,
	uploader        TEXT NOT NULL,
	kind            TEXT NOT NULL CHECK (kind IN ('detection', 'removal', 'account')),
	text            TEXT NOT NULL,
	language        TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'decided')),
	outcome         TEXT NOT NULL CHECK (outcome IN ('', 'upheld', 'rejected')),
	assignee        TEXT NOT NULL,
	decider         TEXT NOT NULL,
	reason          TEXT NOT NULL,
	action_id       TEXT NOT NULL,
	notice_id       TEXT NOT NULL,
	filed_by        TEXT NOT NULL, -- the API key or user that filed it
	idempotency_key TEXT NOT NULL,
	filed           INTEGER NOT NULL,
	assigned        INTEGER NOT NULL,
	decided         INTEGER NOT NULL,
	notified        INTEGER NOT NULL
) STRICT;
CREATE INDEX complaints_queue ON complaints (status, id);
CREATE UNIQUE INDEX complaints_idempotency ON complaints (filed_by, idempotency_key)
	WHERE idempotency_key != '';
