package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vigilproject/vigil/audit"
)

// runMigrate is "vigil migrate".
func runMigrate(e *env, args []string) int {
	fs := newFlagSet(e, "migrate", "", "Create the service's database, or bring it up to this version's schema.\n"+
		"Migrations only go forward; \"vigil serve\" also applies them at start.")
	data := addServiceDataFlag(fs)
	rest, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected arguments: %s", strings.Join(rest, " "))
	}
	ctx := cliContext()
	db, err := openDatabase(ctx, *data, true)
	if err != nil {
		return failf(fs, "%v", err)
	}
	defer db.Close()
	// Opening applied what was missing; this reports the schema's state.
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "database %s is at schema version %d\n", *data, version)
	return exitOK
}

// runBackup is "vigil backup".
func runBackup(e *env, args []string) int {
	fs := newFlagSet(e, "backup", "FILE", "Write a consistent copy of the service's database to FILE, which must not\n"+
		"exist. Safe while the server runs: the copy is one read transaction.")
	data := addServiceDataFlag(fs)
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
	db, err := openDatabase(ctx, *data, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0]); err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stderr, "backed up %s to %s\n", *data, rest[0])
	return exitOK
}

// runAuditVerify is "vigil audit verify".
func runAuditVerify(e *env, args []string) int {
	fs := newFlagSet(e, "audit verify", "", "Check the audit log's hash chain from the first event to the last. A changed,\n"+
		"inserted or deleted row breaks the chain: the first broken event is named and\nthe exit status is 1.")
	data := addServiceDataFlag(fs)
	rest, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(rest) > 0 {
		return usageError(fs, "unexpected arguments: %s", strings.Join(rest, " "))
	}
	ctx := cliContext()
	db, err := openDatabase(ctx, *data, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	n, err := audit.Verify(db.AllAuditEvents(ctx))
	if broken, ok := errors.AsType[*audit.BrokenLinkError](err); ok {
		fmt.Fprintf(e.stdout, "BROKEN at event %d: %s (%d events before it are intact)\n", broken.Seq, broken.Reason, n)
		return exitFailed
	}
	if err != nil {
		return failf(fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "ok: %d events, chain intact\n", n)
	return exitOK
}
