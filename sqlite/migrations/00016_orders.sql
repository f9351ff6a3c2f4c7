-- +goose Up
-- Authority orders: removal (Art. 14, Annex IV), blocking (Art. 16, Annex VII), delisting (DL-01)
-- and voluntary notifications (RO-10, no deadline). document is the order as received and
-- validated (JSON, every Annex IV field, the redress information kept until the order is final:
-- RO-09). The 24-hour clock (RO-03): deadline is receipt + 24 h + the time spent paused before
-- the last resume; while paused_at != 0 the clock is stopped and the effective deadline moves on
-- with the time. sender_* record the API key or user that delivered the order (RO-01).
CREATE TABLE orders (
	id                 TEXT PRIMARY KEY,
	kind               TEXT NOT NULL CHECK (kind IN ('removal', 'blocking', 'delisting', 'voluntary')),
	status             TEXT NOT NULL CHECK (status IN ('received', 'executing', 'paused',
		'executed', 'cannot_execute', 'expired')),
	reference          TEXT NOT NULL CHECK (reference != ''), -- the authority's order reference
	issuing_authority  TEXT NOT NULL,
	service            TEXT NOT NULL,
	document           TEXT NOT NULL,
	non_disclosure_end INTEGER NOT NULL, -- 0 without non-disclosure (RO-08)
	sender_kind        TEXT NOT NULL,
	sender_id          TEXT NOT NULL,
	sender_name        TEXT NOT NULL,
	idempotency_key    TEXT NOT NULL,
	received           INTEGER NOT NULL,
	received_zone      TEXT NOT NULL, -- the time zone the receipt time is recorded in (RO-01)
	deadline           INTEGER NOT NULL, -- 0 for orders without one (voluntary, blocking)
	paused_total       INTEGER NOT NULL, -- ms the clock stood still, already added to deadline
	paused_at          INTEGER NOT NULL, -- 0 while the clock runs
	due_soon_at        INTEGER NOT NULL, -- when order.due_soon was enqueued; 0 before
	list_reference     TEXT NOT NULL,    -- blocking: the EU Centre URL list (BL-01)
	list_version       TEXT NOT NULL,
	list_start         INTEGER NOT NULL, -- blocking: the URL list is served from list_start (BL-08)
	list_end           INTEGER NOT NULL, -- to list_end, at most 5 years later (BL-02)
	measure            TEXT NOT NULL CHECK (measure IN ('', 'removed', 'disabled', 'delisted', 'blocked')),
	executed           INTEGER NOT NULL,
	confirmation       TEXT NOT NULL, -- the Annex VI document (RO-06), canonical JSON
	confirmation_sig   TEXT NOT NULL, -- base64 Ed25519 over confirmation, provider signing key
	updated            INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_queue ON orders (kind, status, id);
CREATE INDEX orders_open ON orders (status, deadline) WHERE status IN ('received', 'executing', 'paused', 'cannot_execute');
CREATE UNIQUE INDEX orders_idempotency ON orders (sender_id, idempotency_key) WHERE idempotency_key != '';

-- The items an order names: an exact URL with its identifying information, the content id when
-- known, and the action (00014) requested for it.
CREATE TABLE order_items (
	order_id   TEXT NOT NULL REFERENCES orders (id),
	seq        INTEGER NOT NULL,
	url        TEXT NOT NULL,
	info       TEXT NOT NULL,
	content_id TEXT NOT NULL,
	action_id  TEXT NOT NULL,
	PRIMARY KEY (order_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX order_items_action ON order_items (action_id) WHERE action_id != '';

-- Annex V (removal, delisting) and Annex VIII (blocking) notices: why an order could not be
-- executed, when the clock stopped and when it restarted (RO-05, TR-05). resumed is 0 while
-- the cause lasts. The clock also stops while an EU Centre do-not-remove hold (RP-18, Art.
-- 48(6)(b)) keeps one of the order's items online (requirements §0.2 item 5: the hold overrides
-- the Art. 14 clock): reason do_not_remove_hold, which is no Annex V notice and is not counted
-- as one (TR-05).
CREATE TABLE order_pauses (
	order_id    TEXT NOT NULL REFERENCES orders (id),
	seq         INTEGER NOT NULL,
	reason      TEXT NOT NULL CHECK (reason IN ('force_majeure', 'technical', 'manifest_error',
		'insufficient_information', 'do_not_remove_hold')),
	text        TEXT NOT NULL,
	paused      INTEGER NOT NULL,
	resumed     INTEGER NOT NULL,
	resume_text TEXT NOT NULL,
	PRIMARY KEY (order_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX order_pauses_time ON order_pauses (paused);
