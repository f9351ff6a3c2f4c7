package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/vault"
)

// evidenceHelp ends the help of the evidence commands.
const evidenceHelp = `The evidence vault keeps the content of confirmed cases encrypted in DIR/evidence,
each object under a data key of its own wrapped by the evidence key: a key of its
own, not the master key, from --evidence-key-file, else ` + evidenceKeyEnv + ` (base64),
else DIR/` + vault.DefaultKeyFile + `. Every read and export is recorded in the audit log.`

// evidenceCommand holds what every evidence command opens: the database and its vault.
type evidenceCommand struct {
	db    *sqlite.DB
	vault *vault.Vault
}

// vaultFlags are the flags of every command that opens the evidence vault: the database's
// and --evidence-key-file.
type vaultFlags struct {
	db  *dbFlags
	key evidenceFlags
}

// addVaultFlags defines the flags of a command that opens the evidence vault.
func addVaultFlags(e *env, fs *flag.FlagSet) *vaultFlags {
	f := &vaultFlags{db: addDatabaseFlags(fs)}
	addEvidenceKeyFlag(e, fs, &f.key)
	return f
}

// openEvidence opens the database and the evidence vault that f name, whose key must exist: a
// command never creates one, which could not open anything stored.
func openEvidence(e *env, f *vaultFlags) (*evidenceCommand, error) {
	db, _, err := openDatabase(cliContext(), e, *f.db, false)
	if err != nil {
		return nil, err
	}
	v, err := f.key.openVault(f.db.data, true)
	if err == nil {
		err = db.UseEvidence(v, vigil.DefaultRetentionPolicy)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return &evidenceCommand{db: db, vault: v}, nil
}

// runEvidenceList is "vigil evidence list".
func runEvidenceList(e *env, args []string) int {
	fs := newFlagSet(e, "evidence list", "", "List the evidence records, newest first: kept objects and the tombstones of\n"+
		"deleted ones, with their purposes and deletion deadlines. Needs no key.\n\n"+evidenceHelp)
	dbf := addDatabaseFlags(fs)
	caseID := fs.String("case", "", "only the evidence of case `ID`")
	status := fs.String("status", "", "only `STATUS`: kept or deleted")
	limit := fs.Int("limit", 50, "list at most `N` records (at most 500)")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	db, _, err := openDatabase(cliContext(), e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	list, _, err := sqlite.NewEvidenceStore(db).ListEvidence(cliContext(),
		vigil.EvidenceFilter{CaseID: *caseID, Status: vigil.EvidenceStatus(*status), Limit: *limit})
	if err != nil {
		return failf(fs, "%v", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCASE\tSTATUS\tDEADLINE\tSIZE\tPURPOSES")
	for _, r := range list {
		purposes := make([]string, len(r.Purposes))
		for i, p := range r.Purposes {
			purposes[i] = string(p)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.CaseID, r.Status, r.Deadline.Format(time.RFC3339),
			r.Size, strings.Join(purposes, ","))
	}
	if err := tw.Flush(); err != nil {
		return failf(fs, "%v", err)
	}
	return exitOK
}

// runEvidenceExport is "vigil evidence export".
func runEvidenceExport(e *env, args []string) int {
	fs := newFlagSet(e, "evidence export", "CASE --out FILE --reference REF", "Write the evidence of CASE kept for law enforcement to FILE, a tar archive\n"+
		"of the decrypted bytes, each object's record as JSON, export.json naming the\n"+
		"request and SHA256SUMS (check it with sha256sum -c). FILE must not exist and\n"+
		"is created readable by its owner only: it holds the material in clear. The\n"+
		"export and --reference, the law enforcement or judicial request it answers,\n"+
		"are recorded in the audit log.\n\n"+evidenceHelp)
	vf := addVaultFlags(e, fs)
	out := fs.String("out", "", "write the archive to `FILE`")
	reference := fs.String("reference", "", "the `REF` of the request the export answers")
	rest, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	switch {
	case len(rest) != 1:
		return usageError(fs, "give exactly one CASE")
	case *out == "":
		return usageError(fs, "give --out FILE")
	case strings.TrimSpace(*reference) == "":
		return usageError(fs, "give --reference: the law enforcement or judicial request the export answers")
	}
	ev, err := openEvidence(e, vf)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer ev.db.Close()
	if err := exportTo(ev.db, rest[0], *reference, *out); err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stderr, "exported the evidence of %s to %s\n", rest[0], *out)
	return exitOK
}

// exportTo writes the export of caseID to path, which must not exist; a failed export leaves
// no file behind.
func exportTo(db *sqlite.DB, caseID, reference, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	err = sqlite.NewEvidenceStore(db).ExportEvidence(cliContext(), caseID, reference, f)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// runEvidenceSweep is "vigil evidence sweep".
func runEvidenceSweep(e *env, args []string) int {
	fs := newFlagSet(e, "evidence sweep", "", "Delete the evidence whose deadline has passed and that no legal hold keeps,\n"+
		"now, as the server does every minute: the file and the wrapped data key go,\n"+
		"a tombstone record and an audit event stay. Safe while the server runs.\n\n"+evidenceHelp)
	vf := addVaultFlags(e, fs)
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	ev, err := openEvidence(e, vf)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer ev.db.Close()
	sweeper := &vault.Sweeper{Store: ev.db, Clock: ev.db.Clock}
	n, err := sweeper.Tick(cliContext())
	if err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "deleted %d evidence objects\n", n)
	return exitOK
}

// runEvidenceRotateKey is "vigil evidence rotate-key".
func runEvidenceRotateKey(e *env, args []string) int {
	fs := newFlagSet(e, "evidence rotate-key", "", "Replace the evidence key: write a new key to KEYFILE.new, re-wrap every kept\n"+
		"object's data key under it, one object per transaction, then rename it over\n"+
		"KEYFILE. The old key stays until every object is re-wrapped: if the command is\n"+
		"interrupted, the server and the other commands load both keys, and running it\n"+
		"again finishes the rotation. The objects' files do not change. Refused while\n"+
		"vigil serve runs on DIR, and when the key comes from "+evidenceKeyEnv+".\n\n"+evidenceHelp)
	vf := addVaultFlags(e, fs)
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	unlock, err := lockServing(vf.db.data)
	if err != nil {
		return failf(fs, "%v", err)
	}
	defer unlock()
	ev, err := openEvidence(e, vf)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer ev.db.Close()
	n, err := ev.db.RotateEvidenceKey(cliContext(), func(done int) {
		if done%1000 == 0 {
			fmt.Fprintf(e.stderr, "re-wrapped %d objects\n", done)
		}
	})
	if err != nil {
		return failf(fs, "%v (run it again to finish the rotation)", err)
	}
	fmt.Fprintf(e.stdout, "re-wrapped %d objects: the evidence key is now %s\n", n, ev.vault.KeyID())
	return exitOK
}
