-- +goose Up
-- People who sign in to the web UI. password is an argon2id PHC string, never the password.
CREATE TABLE users (
	id               TEXT PRIMARY KEY,
	name             TEXT NOT NULL UNIQUE,
	role             TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'auditor')),
	password         TEXT NOT NULL,
	disabled         INTEGER NOT NULL DEFAULT 0,
	reveals_per_hour INTEGER NOT NULL DEFAULT 0,
	created          INTEGER NOT NULL,
	updated          INTEGER NOT NULL
) STRICT;

-- Signed-in browsers. The cookie value is never stored: token_hash is its SHA-256.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created    INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	expires    INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- API keys. The secret is shown once at creation; secret_hash is its SHA-256. scopes is a
-- space-separated list.
CREATE TABLE api_keys (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	secret_hash BLOB NOT NULL UNIQUE,
	scopes      TEXT NOT NULL,
	match_rate  REAL NOT NULL DEFAULT 0,
	created     INTEGER NOT NULL,
	last_used   INTEGER NOT NULL DEFAULT 0,
	revoked     INTEGER NOT NULL DEFAULT 0
) STRICT;
