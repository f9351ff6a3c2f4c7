package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// evidenceKeyEnv gives the evidence key itself, base64, for deployments that inject secrets
// as environment variables. --evidence-key-file gives a file instead. The evidence key is not
// the master key: it rotates on its own (vigil evidence rotate-key).
const evidenceKeyEnv = "VIGIL_EVIDENCE_KEY"

// evidenceFlags are the flags that find the evidence vault's key and, for "vigil serve", the
// retention policy of the evidence it preserves.
type evidenceFlags struct {
	keyFile       string
	jurisdictions string
	months        int
	signedOffBy   string
	lookupEnv     func(string) (string, bool)
}

// addEvidenceKeyFlag defines --evidence-key-file.
func addEvidenceKeyFlag(e *env, fs *flag.FlagSet, f *evidenceFlags) {
	f.lookupEnv = e.lookupEnv
	fs.StringVar(&f.keyFile, "evidence-key-file", "", "read the evidence vault's key from `FILE` (else "+
		evidenceKeyEnv+", else DIR/"+vault.DefaultKeyFile+")")
}

// addEvidenceFlags defines --evidence-key-file and the retention policy's flags.
func addEvidenceFlags(e *env, fs *flag.FlagSet, f *evidenceFlags) {
	addEvidenceKeyFlag(e, fs, f)
	fs.StringVar(&f.jurisdictions, "evidence-jurisdictions", "eu", "keep evidence under the retention rules of `LIST`: eu, us or eu,us")
	fs.IntVar(&f.months, "evidence-retention-months", vigil.EURetentionMonths, "keep evidence `N` calendar months from identification "+
		"(the EU caps it at 12, the US requires at least 12)")
	fs.StringVar(&f.signedOffBy, "evidence-signed-off-by", "", "the counsel who approved the retention policy (`NAME`): required under us")
}

// policy returns the retention policy the flags give, refused when it breaks a rule of a
// jurisdiction it names (PR-07).
func (f evidenceFlags) policy() (vigil.RetentionPolicy, error) {
	p := vigil.RetentionPolicy{Months: f.months, SignedOffBy: f.signedOffBy}
	if f.jurisdictions == "" && f.months == 0 {
		p = vigil.DefaultRetentionPolicy
	}
	for j := range strings.SplitSeq(f.jurisdictions, ",") {
		if j = strings.TrimSpace(j); j != "" {
			p.Jurisdictions = append(p.Jurisdictions, vigil.Jurisdiction(strings.ToLower(j)))
		}
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("evidence retention policy: %w", err)
	}
	return p, nil
}

// openVault opens the evidence vault of the data directory data: its files in
// DIR/evidence, its key from --evidence-key-file, else VIGIL_EVIDENCE_KEY, else
// DIR/evidence.key. With mustExist a missing key file is an error instead of being created.
func (f evidenceFlags) openVault(data string, mustExist bool) (*vault.Vault, error) {
	cfg := vault.Config{Dir: filepath.Join(data, vault.DefaultDir), KeyFile: f.keyFile, KeyMustExist: mustExist}
	var fromEnv string
	if f.lookupEnv != nil {
		fromEnv, _ = f.lookupEnv(evidenceKeyEnv)
	}
	switch {
	case f.keyFile != "" && fromEnv != "":
		return nil, errors.New("--evidence-key-file and " + evidenceKeyEnv + " both give an evidence key: keep one")
	case fromEnv != "":
		k, err := vault.ParseKey(fromEnv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", evidenceKeyEnv, err)
		}
		cfg.Key = &k
	case cfg.KeyFile == "":
		cfg.KeyFile = filepath.Join(data, vault.DefaultKeyFile)
	}
	v, err := vault.Open(cfg)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no evidence key at %s: give --evidence-key-file or %s", cfg.KeyFile, evidenceKeyEnv)
	}
	if err != nil {
		return nil, fmt.Errorf("evidence vault: %w", err)
	}
	return v, nil
}
