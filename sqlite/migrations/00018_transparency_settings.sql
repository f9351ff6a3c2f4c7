-- +goose Up
-- The statements of the yearly transparency report that the provider writes rather than Vigil
-- computes (interim regulation 2021/1232 Art. 3(1)(h)(vii), IR-11): the GDPR ground of the
-- processing (2), the ground for transfers outside the EU (3), the measures that limit errors
-- (7) and the retention policy (8). One row, set by an admin; the report shows Vigil's own
-- retention statement while retention_policy is empty. The text is published: the service
-- refuses text that looks like personal data (PP-11, TR-06).
CREATE TABLE transparency_settings (
	id               INTEGER PRIMARY KEY CHECK (id = 1),
	gdpr_ground      TEXT NOT NULL,
	transfer_ground  TEXT NOT NULL,
	error_measures   TEXT NOT NULL,
	retention_policy TEXT NOT NULL,
	updated          INTEGER NOT NULL
) STRICT;
