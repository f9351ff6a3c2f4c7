-- +goose Up
-- The legal role (reports, orders, holds, evidence, complaints). SQLite cannot change a CHECK
-- constraint in place, so the users table is rebuilt; dropping the old table ends every
-- session (they cascade), so people sign in again after this upgrade.
CREATE TABLE users_new (
	id               TEXT PRIMARY KEY,
	name             TEXT NOT NULL UNIQUE,
	role             TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'auditor', 'legal')),
	password         TEXT NOT NULL,
	disabled         INTEGER NOT NULL DEFAULT 0,
	reveals_per_hour INTEGER NOT NULL DEFAULT 0,
	created          INTEGER NOT NULL,
	updated          INTEGER NOT NULL
) STRICT;
INSERT INTO users_new SELECT id, name, role, password, disabled, reveals_per_hour, created, updated FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
