package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
)

// databaseFile is the service's database inside the data directory.
const databaseFile = "vigil.db"

// addServiceDataFlag defines --data for the commands that use the service's database.
func addServiceDataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir, "the service's data directory `DIR` (database "+databaseFile+")")
}

// openDatabase opens the service's database in dir, applying pending migrations. With create,
// a missing directory is made (mode 0700: it holds evidence and credentials); without, a
// missing database is an error, so a mistyped --data does not start an empty one.
func openDatabase(ctx context.Context, dir string, create bool) (*sqlite.DB, error) {
	path := filepath.Join(dir, databaseFile)
	if create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("--data %s: %w", dir, err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("--data %s: no database (%s); \"vigil serve\" or \"vigil migrate\" creates it", dir, databaseFile)
	}
	db, err := sqlite.Open(ctx, path, vigil.SystemClock{})
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", dir, err)
	}
	return db, nil
}

// cliActor is who the command line acts as in the audit log: whoever can open the database
// file can do anything, so it holds every scope.
var cliActor = vigil.Actor{Kind: vigil.ActorSystem, Name: "cli", Scopes: vigil.Scopes}

// cliContext is a context acting as the command line.
func cliContext() context.Context {
	return vigil.WithActor(context.Background(), cliActor)
}

// randomPassword returns a fresh password: 26 base-32 characters, 130 random bits.
func randomPassword() string { return rand.Text() }
