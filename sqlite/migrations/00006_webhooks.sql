-- +goose Up
-- Webhooks: platform URLs that receive events. The secret is kept as given because every
-- delivery is signed with it.
CREATE TABLE webhooks (
	id        INTEGER PRIMARY KEY,
	public_id TEXT NOT NULL UNIQUE,
	url       TEXT NOT NULL,
	secret    TEXT NOT NULL,
	enabled   INTEGER NOT NULL,
	created   INTEGER NOT NULL
) STRICT;

-- The events each webhook subscribes to, keyed for the fan-out at enqueue time.
CREATE TABLE webhook_events (
	event      TEXT NOT NULL,
	webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	PRIMARY KEY (event, webhook_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX webhook_events_webhook ON webhook_events (webhook_id);

-- The outbox: one row per event per webhook. A claimed delivery has next_try pushed past the
-- attempt's deadline, so a crash mid-attempt leaves it due again once that lease runs out.
CREATE TABLE webhook_deliveries (
	id         INTEGER PRIMARY KEY,
	public_id  TEXT NOT NULL UNIQUE,
	webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	event      TEXT NOT NULL,
	payload    TEXT NOT NULL,
	status     TEXT NOT NULL,
	attempts   INTEGER NOT NULL,
	next_try   INTEGER NOT NULL,
	last_error TEXT NOT NULL,
	created    INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_try) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, public_id);
