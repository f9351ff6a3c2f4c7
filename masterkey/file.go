package masterkey

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vigilproject/vigil/internal/atomicfile"
)

// maxFile bounds what ReadFile reads: a key file is a line of base64.
const maxFile = 1024

// ReadFile reads a master key file written by Create (base64 on one line).
func ReadFile(path string) (Key, error) { return Master.ReadFile(path) }

// Create writes a new random master key to path, which must not exist, readable by its owner
// only, and returns it.
func Create(path string) (Key, error) { return Master.Create(path) }

// LoadOrCreate reads the master key file at path, creating it with a new key when it does not
// exist; created says which happened.
func LoadOrCreate(path string) (k Key, created bool, err error) { return Master.LoadOrCreate(path) }

// ReadFile reads a key file of kind kind (base64 on one line).
func (kind Kind) ReadFile(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("%s file: %w", kind, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return Key{}, fmt.Errorf("%s file %s: %w", kind, path, err)
	}
	if len(b) > maxFile {
		return Key{}, fmt.Errorf("%s file %s: longer than %d bytes, not a key", kind, path, maxFile)
	}
	k, err := kind.Parse(string(b))
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// WriteFile writes k to path, replacing any file there, atomically (a temporary file, synced,
// renamed over path), so that a crash leaves the old file or the whole new one; the file is
// readable by its owner only.
func (kind Kind) WriteFile(path string, k Key) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, k.Encode()+"\n")
		return err
	})
	if err != nil {
		return fmt.Errorf("write %s file %s: %w", kind, path, err)
	}
	return nil
}

// Create writes a new random key to path, which must not exist (the error then wraps
// fs.ErrExist), readable by its owner only, and returns it. The file is written whole under a
// temporary name and linked into place, so a crash never leaves a partial key file.
func (kind Kind) Create(path string) (Key, error) {
	k := Generate()
	tmp := path + ".tmp-" + rand.Text()
	if err := kind.WriteFile(tmp, k); err != nil {
		return Key{}, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return Key{}, fmt.Errorf("create %s file %s: %w", kind, path, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(path)); err != nil {
		return Key{}, fmt.Errorf("create %s file %s: %w", kind, path, err)
	}
	return k, nil
}

// LoadOrCreate reads the key file at path, creating it with a new key (mode 0600, directory
// 0700) when it does not exist; created says which happened. A file another process created
// first is kept.
func (kind Kind) LoadOrCreate(path string) (k Key, created bool, err error) {
	k, err = kind.ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, false, fmt.Errorf("create %s file: %w", kind, err)
	}
	k, err = kind.Create(path)
	if errors.Is(err, fs.ErrExist) { // another process created it first
		k, err = kind.ReadFile(path)
		return k, false, err
	}
	return k, err == nil, err
}
