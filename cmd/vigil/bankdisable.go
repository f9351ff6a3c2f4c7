package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// bankDisableDescription is the help text of "vigil bank disable".
const bankDisableDescription = `Stop entries of a bank from matching until a time, keeping them in the bank.
--entry gives an entry's id, as "vigil match" reports it; repeat it or separate
ids by commas for several. --until is an RFC 3339 time (2026-12-31T00:00:00Z),
a duration from now (72h), or none to let the entries match again at once.
The entries change all or none: an id that is not in the bank changes nothing.

` + bankStoreHelp

// runBankDisable is "vigil bank disable".
func runBankDisable(e *env, args []string) int {
	fs := newFlagSet(e, "bank disable", "NAME --entry ID --until TIME", bankDisableDescription)
	dbf := addDatabaseFlags(fs)
	entries := newNameList(e, fs.Name(), "entry")
	fs.Var(entries, "entry", "disable the entry with id `ID`; repeat or separate by commas for several")
	until := fs.String("until", "", "disable until `TIME`: an RFC 3339 time, a duration from now, or none")
	names, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(names) != 1 {
		return usageError(fs, "want one bank NAME, got %d arguments", len(names))
	}
	ids, err := parseEntryIDs(entries.names)
	if err != nil {
		return usageError(fs, "--entry: %v", err)
	}
	at, err := parseUntil(*until, time.Now())
	if err != nil {
		return usageError(fs, "--until: %v", err)
	}
	st, err := openStoreToWrite(e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	if err := st.SetDisabledUntil(cliContext(), names[0], ids, at); err != nil {
		return failf(fs, "%v", err)
	}
	return exitOK
}

// parseEntryIDs reads entry ids, at least one.
func parseEntryIDs(values []string) ([]uint32, error) {
	if len(values) == 0 {
		return nil, errors.New("give at least one entry ID")
	}
	ids := make([]uint32, len(values))
	for i, v := range values {
		id, err := strconv.ParseUint(v, 10, 32)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("entry id %q is not a positive integer", v)
		}
		ids[i] = uint32(id)
	}
	return ids, nil
}

// parseUntil reads the time of --until: an RFC 3339 time, a duration after now, or "none" for
// the zero time, which lets entries match again.
func parseUntil(v string, now time.Time) (time.Time, error) {
	switch v {
	case "":
		return time.Time{}, errors.New("give a TIME: an RFC 3339 time, a duration from now such as 72h, or none")
	case "none":
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time, a duration nor none", v)
	}
	return now.Add(d), nil
}
