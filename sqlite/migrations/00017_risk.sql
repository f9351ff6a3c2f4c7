-- +goose Up
-- The risk register (Art. 3-5): one or more assessments per service (RA-01). A draft can be
-- edited; a final one is frozen and counts for the schedule (RA-07). body is the assessment's
-- sections as JSON (RA-02..RA-05, the residual-risk statement of RA-08); the service refuses to
-- finalise one whose required sections are empty.
CREATE TABLE risk_assessments (
	id        TEXT PRIMARY KEY,
	service   TEXT NOT NULL,
	status    TEXT NOT NULL CHECK (status IN ('draft', 'final')),
	body      TEXT NOT NULL CHECK (json_valid(body)),
	assessed  INTEGER NOT NULL, -- when it was finalised; 0 while draft
	created   INTEGER NOT NULL,
	updated   INTEGER NOT NULL
) STRICT;
CREATE INDEX risk_assessments_service ON risk_assessments (service, status, assessed);

-- Mitigation measures of an assessment (RM-01), each with its proportionality rationale
-- (RM-02) and a public description kept apart from internal detail (RM-04).
CREATE TABLE risk_mitigations (
	id            TEXT PRIMARY KEY,
	assessment_id TEXT NOT NULL REFERENCES risk_assessments (id),
	kind          TEXT NOT NULL,
	description   TEXT NOT NULL,
	public_text   TEXT NOT NULL,
	severity      TEXT NOT NULL CHECK (severity != ''), -- RM-02: why the measure fits the risk
	capacity      TEXT NOT NULL CHECK (capacity != ''), -- the provider's capacity
	users         TEXT NOT NULL CHECK (users != ''),    -- the number of users concerned
	status        TEXT NOT NULL CHECK (status IN ('introduced', 'reviewed', 'ended')),
	created       INTEGER NOT NULL
) STRICT;
CREATE INDEX risk_mitigations_assessment ON risk_mitigations (assessment_id, id);

-- Risks identified by an assessment; each links to at least one mitigation (risk_links, RM-01).
CREATE TABLE risks (
	id            TEXT PRIMARY KEY,
	assessment_id TEXT NOT NULL REFERENCES risk_assessments (id),
	title         TEXT NOT NULL CHECK (title != ''),
	description   TEXT NOT NULL,
	severity      TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
	created       INTEGER NOT NULL
) STRICT;
CREATE INDEX risks_assessment ON risks (assessment_id, id);

CREATE TABLE risk_links (
	risk_id       TEXT NOT NULL REFERENCES risks (id),
	mitigation_id TEXT NOT NULL REFERENCES risk_mitigations (id),
	PRIMARY KEY (risk_id, mitigation_id)
) STRICT, WITHOUT ROWID;

-- Per service: the date a Coordinating Authority demanded the next assessment by, with its
-- reference; the end of a detection order in force (due 2 months before it); and the due date
-- the reminder was last sent for, so that risk.assessment_due goes out once per due date (RA-07).
CREATE TABLE risk_schedule (
	service      TEXT PRIMARY KEY,
	ca_due       INTEGER NOT NULL, -- 0: none
	ca_reference TEXT NOT NULL,
	order_end    INTEGER NOT NULL, -- 0: no detection order
	reminded_due INTEGER NOT NULL, -- 0: never reminded
	updated      INTEGER NOT NULL
) STRICT;
