package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/vigilproject/vigil/audit"
	"github.com/vigilproject/vigil/masterkey"
)

// runMigrate is "vigil migrate".
func runMigrate(e *env, args []string) int {
	fs := newFlagSet(e, "migrate", "", "Create the service's database, or bring it up to this version's schema.\n"+
		"Migrations only go forward; \"vigil serve\" also applies them at start.")
	dbf := addDatabaseFlags(fs)
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	ctx := cliContext()
	db, key, err := openDatabase(ctx, e, *dbf, true)
	if err != nil {
		return failf(fs, "%v", err)
	}
	defer db.Close()
	reportNewKey(e, key)
	// Opening applied what was missing; this reports the schema's state.
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "database %s is at schema version %d\n", dbf.data, version)
	return exitOK
}

// runBackup is "vigil backup".
func runBackup(e *env, args []string) int {
	fs := newFlagSet(e, "backup", "FILE", "Write a consistent copy of the service's database to FILE, which must not\n"+
		"exist. Safe while the server runs: the copy is one read transaction.\n\n"+
		"The copy is bound to the master key (--master-key-file, "+masterKeyEnv+" or\n"+
		"DIR/"+masterkey.DefaultFile+"), which it does not contain: its secrets and audit log\n"+
		"are usable only with that key. Keep the key, separately from the backups.")
	dbf := addDatabaseFlags(fs)
	rest, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(rest) != 1 {
		return usageError(fs, "give exactly one FILE")
	}
	if _, err := os.Lstat(rest[0]); err == nil {
		return usageError(fs, "%s exists: a backup never overwrites", rest[0])
	}
	ctx := cliContext()
	db, _, err := openDatabase(ctx, e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0]); err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stderr, "backed up %s to %s (restoring it needs the master key)\n", dbf.data, rest[0])
	return exitOK
}

// runAuditVerify is "vigil audit verify".
func runAuditVerify(e *env, args []string) int {
	fs := newFlagSet(e, "audit verify", "", "Check the audit log's hash chain from the first event to the last. A changed,\n"+
		"inserted or deleted row breaks the chain: the first broken event is named and\nthe exit status is 1. "+
		"The hashes are keyed by the master key, so rows cannot be\nrewritten and re-hashed without it.\n\n"+
		"Deleting the newest events leaves a shorter chain that is intact: the last\nevent's number and hash are "+
		"printed so that they can be compared with a head\nnoted earlier.")
	dbf := addDatabaseFlags(fs)
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	ctx := cliContext()
	db, _, err := openDatabase(ctx, e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	head, err := db.VerifyAudit(ctx)
	if broken, ok := errors.AsType[*audit.BrokenLinkError](err); ok {
		fmt.Fprintf(e.stdout, "BROKEN at event %d: %s (%d events before it are intact)\n", broken.Seq, broken.Reason, head.Seq)
		return exitFailed
	}
	if err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "ok: %d events, chain intact; last event %d, hash %s\n", head.Seq, head.Seq, head.Hash)
	return exitOK
}
