// Command vigil hashes images with PDQ and cryptographic hashes and, as the project grows,
// matches them against known hash lists.
//
// Usage:
//
//	vigil COMMAND [flags] [args]
//
// Run "vigil help" for the list of commands and "vigil help COMMAND" for a command's flags.
// Flags may come before or after arguments, and every flag can also be set with a VIGIL_*
// environment variable: a flag that means the same in every command by VIGIL_ and its name
// (--data is VIGIL_DATA), any other by VIGIL_, the command and its name ("bank import"
// --format is VIGIL_BANK_IMPORT_FORMAT). A flag on the command line wins.
//
// Exit status is 0 on success, 1 when some items failed (the others were still processed) and
// 2 on a usage or configuration error.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// Exit statuses shared by every command.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// version is the release version, set at link time with -ldflags "-X main.version=v1.2.3".
// When empty the module version recorded in the binary's build information is used.
var version string

// env is everything a command may touch of the outside world, so tests can run commands
// in-process with their own streams and environment.
type env struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	lookupEnv func(key string) (string, bool)
}

// command is one entry of the command table: adding a command is adding one entry.
type command struct {
	name    string // the words typed after "vigil", e.g. "bench hash"
	summary string // one line for "vigil help"
	run     func(e *env, args []string) int
}

// commandTable lists every command in the order "vigil help" shows them. It is a function
// rather than a variable because the help command itself reads the table.
func commandTable() []command {
	return []command{
		{"hash", "hash image files: PDQ, MD5, SHA-1, SHA-256", runHash},
		{"scan", "hash files and match them against the banks", runScan},
		{"match", "match hashes against the banks", runMatch},
		{"bank create", "create a bank", runBankCreate},
		{"bank list", "list the banks", runBankList},
		{"bank import", "import hash-list files into a bank", runBankImport},
		{"bank export", "write a bank's entries as a hash list", runBankExport},
		{"bank add", "add one hash to a bank", runBankAdd},
		{"bank disable", "stop entries of a bank from matching until a time", runBankDisable},
		{"bank rm", "delete a bank", runBankRm},
		{"serve", "run the service: API, web UI and workers", runServe},
		{"migrate", "create or upgrade the service's database", runMigrate},
		{"admin user add", "add a web UI user", runAdminUserAdd},
		{"admin user passwd", "set a user's password", runAdminUserPasswd},
		{"admin user disable", "disable (or --enable) a user", runAdminUserDisable},
		{"admin key create", "create an API key and print it once", runAdminKeyCreate},
		{"backup", "copy the service's database while it runs", runBackup},
		{"audit verify", "check the audit log's hash chain", runAuditVerify},
		{"transparency", "write a year's transparency report (JSON, CSV or HTML)", runTransparency},
		{"evidence list", "list the evidence vault's records and tombstones", runEvidenceList},
		{"evidence export", "export a case's evidence for a law enforcement request", runEvidenceExport},
		{"evidence sweep", "delete the evidence whose deadline has passed", runEvidenceSweep},
		{"evidence rotate-key", "replace the evidence key, re-wrapping every data key", runEvidenceRotateKey},
		{"dev fake-endpoints", "run fake NCMEC and EU Centre endpoints on 127.0.0.1 for demos", runDevFakeEndpoints},
		{"bench hash", "measure hashing speed over a directory of images", runBenchHash},
		{"bench match", "measure the matching index on synthetic hashes", runBenchMatch},
		{"bench serve", "load a running server with photo submissions and measure it", runBenchServe},
		{"version", "print the version", runVersion},
		{"help", "list commands, or show one command's flags", runHelp},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program behind main, callable from tests: it dispatches args to a command
// and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, lookupEnv: os.LookupEnv}
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		printUsage(stdout)
		return exitOK
	}
	cmd, rest, ok := lookup(args)
	if !ok {
		fmt.Fprintf(stderr, "vigil: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
	return cmd.run(e, rest)
}

// lookup finds the command whose name is the longest prefix of args, so "bench hash" is
// found for "vigil bench hash DIR". It returns the arguments after the command's name.
func lookup(args []string) (command, []string, bool) {
	var best command
	bestLen := 0
	for _, c := range commandTable() {
		words := strings.Fields(c.name)
		if len(words) > bestLen && len(words) <= len(args) && equalWords(words, args) {
			best, bestLen = c, len(words)
		}
	}
	return best, args[bestLen:], bestLen > 0
}

// equalWords reports whether args starts with words.
func equalWords(words, args []string) bool {
	for i, w := range words {
		if args[i] != w {
			return false
		}
	}
	return true
}

// printUsage writes the program's synopsis and command list.
func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: vigil COMMAND [flags] [args]\n\nCommands:\n")
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun \"vigil help COMMAND\" for a command's flags and the VIGIL_* environment\n"+
		"variable of each (--data is VIGIL_DATA, bank import --format VIGIL_BANK_IMPORT_FORMAT);\n"+
		"flags win.\n"+
		"Exit status: 0 ok, 1 some items failed, 2 usage error.\n")
}

// runHelp prints the command list, or the flags of the command named in args by running
// that command with -h and its usage going to stdout.
func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		printUsage(e.stdout)
		return exitOK
	}
	cmd, rest, ok := lookup(args)
	if !ok || len(rest) > 0 {
		fmt.Fprintf(e.stderr, "vigil help: unknown command %q\n", strings.Join(args, " "))
		return exitUsage
	}
	helpEnv := *e
	helpEnv.stderr = e.stdout
	return cmd.run(&helpEnv, []string{"-h"})
}

// runVersion prints the version of vigil and of the Go toolchain that built it.
func runVersion(e *env, args []string) int {
	fs := newFlagSet(e, "version", "", "Print the version of vigil and of Go that built it.")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	fmt.Fprintf(e.stdout, "vigil %s %s\n", buildVersion(), runtime.Version())
	return exitOK
}

// buildVersion returns version, or the main module's version from the build information.
func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
