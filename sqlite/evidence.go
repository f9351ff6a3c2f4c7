package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// evidenceConfig is the database's evidence vault and retention policy: set by UseEvidence,
// or on first use the defaults (the vault in the database's directory, the EU policy).
type evidenceConfig struct {
	mu     sync.Mutex
	vault  *vault.Vault
	policy vigil.RetentionPolicy
}

// UseEvidence makes v the vault of the evidence preserved in db and policy its retention
// policy, refused when the policy breaks a rule of a jurisdiction it names (PR-07). Call it
// before the database serves requests.
func (db *DB) UseEvidence(v *vault.Vault, policy vigil.RetentionPolicy) error {
	if err := policy.Validate(); err != nil {
		return fmt.Errorf("evidence retention policy: %w", err)
	}
	db.evidence.mu.Lock()
	defer db.evidence.mu.Unlock()
	db.evidence.vault, db.evidence.policy = v, policy
	return nil
}

// Vault returns the evidence vault, opening the default one (DATA/evidence.key, DATA/evidence/
// next to the database) when UseEvidence was not called.
func (db *DB) Vault() (*vault.Vault, vigil.RetentionPolicy, error) {
	db.evidence.mu.Lock()
	defer db.evidence.mu.Unlock()
	if db.evidence.vault == nil {
		dir := filepath.Dir(db.path)
		v, err := vault.Open(vault.Config{Dir: filepath.Join(dir, vault.DefaultDir), KeyFile: filepath.Join(dir, vault.DefaultKeyFile)})
		if err != nil {
			return nil, vigil.RetentionPolicy{}, err
		}
		db.evidence.vault, db.evidence.policy = v, vigil.DefaultRetentionPolicy
	}
	return db.evidence.vault, db.evidence.policy, nil
}

// UnloadedEvidenceKeys returns the ids of the evidence keys that wrap kept evidence but that
// the vault has not loaded: evidence nothing here can open. A server started with the wrong
// key, or with a new one made because the key file was missing, would otherwise run on as if
// nothing were amiss while every read of that evidence fails.
func (db *DB) UnloadedEvidenceKeys(ctx context.Context) ([]string, error) {
	v, _, err := db.Vault()
	if err != nil {
		return nil, err
	}
	loaded := append(v.RetiringKeyIDs(), v.KeyID())
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT key_id FROM evidence WHERE status = 'kept' ORDER BY key_id`)
	if err != nil {
		return nil, fmt.Errorf("evidence keys: %w", err)
	}
	used, err := scanAll(rows, func(row rowScanner) (string, error) {
		var id string
		err := row.Scan(&id)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("evidence keys: %w", err)
	}
	var missing []string
	for _, id := range used {
		if !slices.Contains(loaded, id) {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// preserveConfirmed preserves the media of case c, just confirmed, for every purpose a
// confirmation serves; a case that kept no media has nothing to preserve.
func (tx *Tx) preserveConfirmed(c vigil.Case) error {
	media, ok, err := tx.loadCaseMedia(c.ID)
	if err != nil || !ok {
		return err
	}
	purposes := make([]string, len(vigil.ConfirmedPurposes))
	for i, p := range vigil.ConfirmedPurposes {
		purposes[i] = string(p)
	}
	return tx.PreserveEvidence(c, media, c.MediaType, purposes)
}

// PreserveEvidence keeps media, the content of case c, encrypted in the vault for purposes
// (at least one, from the closed list: PR-01, PR-02) until the retention policy's deadline
// from now, the time of identification (PR-04, PR-06, IR-12), and audits it as
// evidence.preserve. The object's file is written before the transaction commits; if it rolls
// back, the file has no key anywhere and the sweeper removes it.
func (tx *Tx) PreserveEvidence(c vigil.Case, media []byte, mediaType string, purposes []string) error {
	ps, err := vigil.ParsePurposes(purposes)
	if err != nil {
		return err
	}
	if len(media) == 0 {
		return vigil.FieldErrorf(vigil.EINVALID, "media", "no bytes to preserve for case %s", c.ID)
	}
	v, policy, err := tx.db.Vault()
	if err != nil {
		return fmt.Errorf("preserve evidence of %s: %w", c.ID, err)
	}
	sum := sha256.Sum256(media)
	e := vigil.Evidence{ID: vigil.NewID(vigil.PrefixEvidence, tx.now), CaseID: c.ID, ContentID: c.ContentID,
		Service: c.Service, Purposes: ps, Policy: policy.String(), Identified: tx.now,
		Deadline: policy.Deadline(tx.now), Status: vigil.EvidenceKept, Size: int64(len(media)),
		MediaType: mediaType, SHA256: hex.EncodeToString(sum[:]), Created: tx.now}
	keyID, wrapped, err := v.Seal(e.ID, media)
	if err != nil {
		return fmt.Errorf("preserve evidence of %s: %w", c.ID, err)
	}
	purposesJSON, _ := json.Marshal(e.Purposes)
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO evidence (id, case_id, content_id, service, purposes, policy,
		identified, deadline, status, size, media_type, sha256, key_id, wrapped_key, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.CaseID, e.ContentID, e.Service, string(purposesJSON), e.Policy, ms(e.Identified),
		ms(e.Deadline), e.Status, e.Size, e.MediaType, e.SHA256, keyID, wrapped, ms(e.Created))
	if err != nil {
		return fmt.Errorf("preserve evidence of %s: %w", c.ID, err)
	}
	return tx.Audit("evidence.preserve", "evidence", e.ID, evidenceDetail(map[string]any{
		"case_id": e.CaseID, "purposes": e.Purposes, "policy": e.Policy, "deadline": e.Deadline,
		"size": e.Size}))
}

// preserveForCyberTipline keeps the evidence of case caseID at least a year after the
// CyberTipline report made now, when the retention policy names the US: 18 U.S.C. §2258A(h)
// runs the year from the report (PR-07, NC-10), and the deadline set at identification, which
// comes first, would fall short of it. The extension is audited as evidence.extend.
func (tx *Tx) preserveForCyberTipline(caseID string) error {
	_, policy, err := tx.db.Vault()
	if err != nil {
		return fmt.Errorf("preserve the evidence of %s for the CyberTipline: %w", caseID, err)
	}
	if !slices.Contains(policy.Jurisdictions, vigil.JurisdictionUS) {
		return nil
	}
	until := vigil.AddMonths(tx.now, vigil.USRetentionMonths)
	res, err := tx.ExecContext(tx.ctx, `UPDATE evidence SET deadline = ? WHERE case_id = ? AND status = 'kept'
		AND deadline < ?`, ms(until), caseID, ms(until))
	if err != nil {
		return fmt.Errorf("preserve the evidence of %s for the CyberTipline: %w", caseID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.Audit("evidence.extend", "case", caseID, evidenceDetail(map[string]any{
		"deadline": until, "reason": "CyberTipline report: kept a year after it (18 U.S.C. 2258A(h))"}))
}

// evidenceDetail renders an audit detail object.
func evidenceDetail(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
