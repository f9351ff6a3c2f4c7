package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/masterkey"
	"github.com/vigilproject/vigil/sqlite"
)

// databaseFile is the service's database inside the data directory.
const databaseFile = "vigil.db"

// masterKeyEnv gives the master key itself, base64, for deployments that inject secrets as
// environment variables. --master-key-file (VIGIL_MASTER_KEY_FILE) gives a file instead.
const masterKeyEnv = "VIGIL_MASTER_KEY"

// dbFlags are the flags of the commands that open the service's database.
type dbFlags struct {
	data    string
	keyFile string
}

// addDatabaseFlags defines --data and --master-key-file for the commands that use the
// service's database.
func addDatabaseFlags(fs *flag.FlagSet) *dbFlags {
	f := &dbFlags{}
	fs.StringVar(&f.data, "data", defaultDataDir, "the service's data directory `DIR` (database "+databaseFile+")")
	addMasterKeyFlag(fs, &f.keyFile)
	return f
}

// addMasterKeyFlag defines --master-key-file.
func addMasterKeyFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "master-key-file", "", "read the database's master key from `FILE` (else "+masterKeyEnv+", else DIR/"+masterkey.DefaultFile+")")
}

// keySource says where the master key came from.
type keySource struct {
	where     string // a file, or masterKeyEnv
	inDataDir bool   // the key sits next to the database it protects
	created   bool   // this run created the key file
}

// warning is what to tell the operator about where the key is kept, or "".
func (s keySource) warning() string {
	if !s.inDataDir {
		return ""
	}
	return "the master key " + s.where + " is in the data directory, next to the database it protects: " +
		"in production keep it elsewhere (--master-key-file or " + masterKeyEnv + ")"
}

// loadMasterKey finds the master key: --master-key-file, else VIGIL_MASTER_KEY, else
// DIR/master.key. With create, a missing key file is created with a new key (mode 0600).
func loadMasterKey(e *env, f dbFlags, create bool) (masterkey.Key, keySource, error) {
	fromEnv, _ := e.lookupEnv(masterKeyEnv)
	switch {
	case f.keyFile != "" && fromEnv != "":
		return masterkey.Key{}, keySource{}, fmt.Errorf("--master-key-file and %s both give a master key: keep one", masterKeyEnv)
	case fromEnv != "":
		k, err := masterkey.Parse(fromEnv)
		if err != nil {
			return k, keySource{}, fmt.Errorf("%s: %w", masterKeyEnv, err)
		}
		return k, keySource{where: masterKeyEnv}, nil
	}
	src := keySource{where: f.keyFile}
	if src.where == "" {
		src.where = filepath.Join(f.data, masterkey.DefaultFile)
	}
	src.inDataDir = within(f.data, src.where)
	if !create {
		k, err := masterkey.ReadFile(src.where)
		if errors.Is(err, os.ErrNotExist) {
			err = fmt.Errorf("no master key at %s: give --master-key-file or %s", src.where, masterKeyEnv)
		}
		return k, src, err
	}
	k, created, err := masterkey.LoadOrCreate(src.where)
	src.created = created
	return k, src, err
}

// within reports whether path lies inside dir.
func within(dir, path string) bool {
	d, err1 := filepath.Abs(dir)
	p, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// openDatabase opens the service's database in f.data with its master key, applying pending
// migrations. With create, a missing directory is made (mode 0700: it holds evidence and
// credentials) and so is a missing key file; without, a missing database is an error, so a
// mistyped --data does not start an empty one.
func openDatabase(ctx context.Context, e *env, f dbFlags, create bool) (*sqlite.DB, keySource, error) {
	path := filepath.Join(f.data, databaseFile)
	if create {
		if err := os.MkdirAll(f.data, 0o700); err != nil {
			return nil, keySource{}, fmt.Errorf("--data %s: %w", f.data, err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, keySource{}, fmt.Errorf("--data %s: no database (%s); \"vigil serve\" or \"vigil migrate\" creates it", f.data, databaseFile)
	}
	key, src, err := loadMasterKey(e, f, create)
	if err != nil {
		return nil, src, err
	}
	db, err := sqlite.Open(ctx, path, vigil.SystemClock{}, sqlite.WithMasterKey(key))
	if err != nil {
		if src.created { // a key nobody will ever need: the database has another
			os.Remove(src.where)
		}
		if errors.Is(err, sqlite.ErrWrongMasterKey) {
			return nil, src, fmt.Errorf("--data %s: the master key from %s is not the one this database was created with", f.data, src.where)
		}
		return nil, src, fmt.Errorf("--data %s: %w", f.data, err)
	}
	return db, src, nil
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
