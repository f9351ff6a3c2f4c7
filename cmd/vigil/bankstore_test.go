package main

import "testing"

// openTestStore opens the banks of the data directory data as a bank command reads them, and
// closes them when the test ends.
func openTestStore(tb testing.TB, data string) *bankStore {
	tb.Helper()
	st, err := openStore(&env{lookupEnv: func(string) (string, bool) { return "", false }}, dbFlags{data: data})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
