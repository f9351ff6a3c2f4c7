package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet returns an empty flag set for the command name whose usage text shows the
// synopsis (the arguments after the flags), a description, and each flag with its
// environment variable.
func newFlagSet(e *env, name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: vigil %s [flags] %s\n\n%s\n", name, synopsis, description)
		fmt.Fprintf(w, "\nFlags may come before or after arguments; each can also be set by the\n"+
			"environment variable shown (the flag wins):\n\n")
		fs.VisitAll(func(f *flag.Flag) { printFlag(w, name, f) })
	}
	return fs
}

// printFlag writes one flag's entry of the usage text of command: name, value kind,
// description, default unless it is the zero value, and environment variable.
func printFlag(w io.Writer, command string, f *flag.Flag) {
	kind, usage := flag.UnquoteUsage(f)
	if kind != "" {
		kind = " " + kind
	}
	def := ""
	if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
		def = fmt.Sprintf("default %s, ", f.DefValue)
	}
	fmt.Fprintf(w, "  --%s%s\n\t%s (%s%s)\n", f.Name, kind, usage, def, envName(command, f.Name))
}

// globalFlags are the flags that mean the same thing in every command that has them, so that
// one environment variable named after the flag alone sets them all: VIGIL_DATA is the data
// directory of every command. Any other flag means something of its own command (--format is
// an output format for "hash" and an input format for "bank import"), so its variable carries
// the command's name too.
var globalFlags = map[string]bool{
	"data":            true, // the data directory
	"bank":            true, // the banks to match against
	"workers":         true, // how many items to hash at once
	"flavour":         true, // the PDQ flavour to hash with
	"fast":            true, // fast, approximate JPEG decoding
	"max-pixels":      true, // the largest image to decode
	"max-bytes":       true, // the largest file to read
	"key":             true, // the API key that commands calling the service send
	"master-key-file": true, // the service database's master key

	"evidence-key-file": true, // the evidence vault's key (cmd/vigil/evidence_flags.go)
}

// envName is the environment variable that sets the flag name of command: VIGIL_ and the
// flag's name for global flags (--max-pixels is VIGIL_MAX_PIXELS), otherwise VIGIL_, the
// command's words and the flag's name ("bank import" --format is VIGIL_BANK_IMPORT_FORMAT).
func envName(command, flagName string) string {
	if globalFlags[flagName] {
		return bareEnvName(flagName)
	}
	return bareEnvName(strings.ReplaceAll(command, " ", "_") + "_" + flagName)
}

// bareEnvName is VIGIL_ and name in capitals, with '_' for '-'.
func bareEnvName(name string) string {
	return "VIGIL_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// parseArgs sets fs's flags from VIGIL_* environment variables (see envName; fs is named
// after its command), then from args, where flags may come before, between or after
// positional arguments (the standard flag package stops at the first positional one).
// Everything after a "--" is positional. It returns the positional arguments in order. On
// error the reason and usage have been printed.
func parseArgs(fs *flag.FlagSet, args []string, lookupEnv func(string) (string, bool)) ([]string, error) {
	if err := applyEnv(fs, lookupEnv); err != nil {
		printUsageProblem(fs, err)
		return nil, err
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if stoppedAtDashDash(fs, args[:len(args)-len(rest)]) {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// parseFlags is parseArgs for commands that take flags alone: a positional argument is a
// usage error, printed as parseArgs prints its own.
func parseFlags(fs *flag.FlagSet, args []string, lookupEnv func(string) (string, bool)) error {
	rest, err := parseArgs(fs, args, lookupEnv)
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("unexpected arguments: %s", strings.Join(rest, " "))
		printUsageProblem(fs, err)
	}
	return err
}

// applyEnv sets each flag of fs whose VIGIL_* variable is set and not empty. It warns about
// a set variable named after a command-specific flag alone (VIGIL_FORMAT), which earlier
// versions read for every command with that flag and which now sets nothing.
func applyEnv(fs *flag.FlagSet, lookupEnv func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(fs.Name(), f.Name)
		if bare := bareEnvName(f.Name); bare != name {
			if v, ok := lookupEnv(bare); ok && v != "" {
				fmt.Fprintf(fs.Output(), "vigil %s: warning: %s is not read; --%s is set by %s\n", fs.Name(), bare, f.Name, name)
			}
		}
		v, ok := lookupEnv(name)
		if !ok || v == "" || err != nil {
			return
		}
		if setErr := fs.Set(f.Name, v); setErr != nil {
			err = fmt.Errorf("environment %s=%q: %w", name, v, setErr)
		}
	})
	return err
}

// stoppedAtDashDash reports whether the flag parser, having consumed the arguments in
// consumed, stopped because of a "--" terminator rather than at a positional argument. A
// "--" right after a flag that takes a separate value is that flag's value, not a terminator.
func stoppedAtDashDash(fs *flag.FlagSet, consumed []string) bool {
	n := len(consumed)
	if n == 0 || consumed[n-1] != "--" {
		return false
	}
	return n < 2 || !takesSeparateValue(fs, consumed[n-2])
}

// takesSeparateValue reports whether arg is a non-boolean flag written without "=value",
// so that the flag parser took the next argument as its value.
func takesSeparateValue(fs *flag.FlagSet, arg string) bool {
	name, ok := strings.CutPrefix(arg, "-")
	if !ok || strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(strings.TrimPrefix(name, "-"))
	if f == nil {
		return false
	}
	b, isBool := f.Value.(interface{ IsBoolFlag() bool })
	return !isBool || !b.IsBoolFlag()
}

// usageStatus is the exit status for an error from parseArgs: asking for help is a success.
func usageStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// usageError prints a usage problem of the command that owns fs and returns exitUsage.
func usageError(fs *flag.FlagSet, format string, args ...any) int {
	printUsageProblem(fs, fmt.Sprintf(format, args...))
	return exitUsage
}

// printUsageProblem prints problem, a usage mistake in the command that owns fs, and where
// to read that command's usage.
func printUsageProblem(fs *flag.FlagSet, problem any) {
	fmt.Fprintf(fs.Output(), "vigil %s: %v\nRun \"vigil help %s\" for usage.\n", fs.Name(), problem, fs.Name())
}
