package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/vault"
)

// serveEvidence wires the evidence vault into "vigil serve": it opens the vault with the key
// of cfg.evidence, makes db preserve the content of confirmed cases in it under the configured
// retention policy (refusing a policy that breaks a rule of a jurisdiction it names: PR-07,
// and a key that does not open the evidence kept), gives the API its evidence service and starts the sweeper that deletes evidence at its
// deadline, until workCtx ends.
func serveEvidence(workCtx context.Context, db *sqlite.DB, cfg serveConfig, svc *service) error {
	policy, err := cfg.evidence.policy()
	if err != nil {
		return err
	}
	v, err := cfg.evidence.openVault(cfg.data, false)
	if err != nil {
		return err
	}
	if v.Rotating() {
		svc.log.Warn("an evidence key rotation is unfinished: run vigil evidence rotate-key to finish it")
	}
	if err := db.UseEvidence(v, policy); err != nil {
		return fmt.Errorf("evidence vault: %w", err)
	}
	missing, err := db.UnloadedEvidenceKeys(workCtx)
	if err != nil {
		return fmt.Errorf("evidence vault: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("evidence vault: kept evidence is wrapped under the evidence key %s, which is not loaded (the key "+
			"loaded is %s): give its key file with --evidence-key-file or %s", strings.Join(missing, ", "), v.KeyID(), evidenceKeyEnv)
	}
	svc.http.Evidence = sqlite.NewEvidenceStore(db)
	sweeper := &vault.Sweeper{Store: db, Clock: vigil.SystemClock{}, Logger: svc.log}
	svc.workers.Go(func() { sweeper.Run(workCtx) })
	svc.log.Info("evidence vault ready", "key_id", v.KeyID(), "policy", policy.String())
	return nil
}
