package main

import (
	"fmt"
	"strings"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// bankAddDescription is the help text of "vigil bank add".
const bankAddDescription = `Add one hash to a bank, given by exactly one of --pdq, --md5, --sha1 and
--sha256, with the supplier's id, category and a note. Adding a hash the bank
already holds changes nothing.

` + bankStoreHelp

// runBankAdd is "vigil bank add".
func runBankAdd(e *env, args []string) int {
	fs := newFlagSet(e, "bank add", "NAME", bankAddDescription)
	dbf := addDatabaseFlags(fs)
	values := map[signal.Type]*string{}
	for _, st := range signal.All() {
		name := st.Name()
		values[name] = fs.String(string(name), "", fmt.Sprintf("add the %s hash `HEX`", strings.ToUpper(string(name))))
	}
	id := fs.String("id", "", "the supplier's `ID` of the hash")
	category := fs.String("category", "", "the supplier's `CATEGORY` of the hash, stored as given")
	note := fs.String("note", "", "a `NOTE` kept with the entry")
	names, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(names) != 1 {
		return usageError(fs, "want one bank NAME, got %d arguments", len(names))
	}
	sig, err := signalFromFlags(values)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	st, err := openStoreToWrite(e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	entry := match.Entry{Bank: names[0], Signal: sig, SupplierID: *id, Category: *category, Note: *note}
	added, err := st.AddEntries(cliContext(), names[0], []match.Entry{entry})
	if err != nil {
		return failf(fs, "%v", err)
	}
	if added == 0 {
		fmt.Fprintf(e.stderr, "vigil bank add: %s:%s is already in bank %s\n", sig.Type, sig.Value, names[0])
	}
	return exitOK
}

// signalFromFlags returns the one signal set among the per-type flags, validated.
func signalFromFlags(values map[signal.Type]*string) (signal.Signal, error) {
	var set []signal.Type
	for typ, v := range values {
		if *v != "" {
			set = append(set, typ)
		}
	}
	if len(set) != 1 {
		var flags []string
		for _, st := range signal.All() {
			flags = append(flags, "--"+string(st.Name()))
		}
		return signal.Signal{}, fmt.Errorf("want exactly one of %s, got %d", strings.Join(flags, ", "), len(set))
	}
	sig, err := signal.Parse(string(set[0]), *values[set[0]])
	if err != nil {
		return signal.Signal{}, fmt.Errorf("--%s: %w", set[0], err)
	}
	return sig, nil
}
