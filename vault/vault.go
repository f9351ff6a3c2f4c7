package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/vigilproject/vigil/internal/atomicfile"
)

// DefaultDir is the directory of the objects' files inside the data directory.
const DefaultDir = "evidence"

// blobSuffix ends the name of every object's file.
const blobSuffix = ".evd"

// objectID is what an object id may look like: it names a file, so nothing that could climb
// out of the directory.
var objectID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Vault seals objects into files under a directory and opens them again. Its methods are safe
// for concurrent use, except StartRotation and FinishRotation, which "vigil evidence
// rotate-key" calls alone, with the server stopped.
type Vault struct {
	dir     string
	current Key            // wraps the data keys of new objects
	keys    map[string]Key // by id: current, and during a rotation the key being retired
	keyFile string         // where current came from; "" when it came from the environment
}

// Config says where a vault keeps its files and finds its key.
type Config struct {
	Dir string // the objects' files, created 0700 when missing
	// KeyFile is the evidence key file, created with a new key when missing. While a rotation
	// is under way (KeyFile+".new" exists), both keys are loaded and the new one is current.
	KeyFile string
	// Key, when set, is the evidence key itself (VIGIL_EVIDENCE_KEY), and KeyFile is unused.
	Key *Key
	// KeyMustExist makes a missing KeyFile an error instead of creating it: for the commands
	// that read evidence, to which a new key would be useless.
	KeyMustExist bool
}

// Open opens the vault of cfg.
func Open(cfg Config) (*Vault, error) {
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("evidence directory: %w", err)
	}
	if cfg.Key != nil {
		return &Vault{dir: cfg.Dir, current: *cfg.Key, keys: map[string]Key{cfg.Key.ID(): *cfg.Key}}, nil
	}
	if cfg.KeyFile == "" {
		return nil, errors.New("evidence vault: no key file and no key")
	}
	load := LoadOrCreateKeyFile
	if cfg.KeyMustExist {
		load = func(path string) (Key, bool, error) { k, err := ReadKeyFile(path); return k, false, err }
	}
	k, _, err := load(cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	v := &Vault{dir: cfg.Dir, current: k, keys: map[string]Key{k.ID(): k}, keyFile: cfg.KeyFile}
	next, err := ReadKeyFile(v.nextKeyFile())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return v, nil
	case err != nil:
		return nil, fmt.Errorf("unfinished evidence key rotation: %w", err)
	}
	v.current = next
	v.keys[next.ID()] = next
	return v, nil
}

// KeyID is the id of the key that wraps new data keys.
func (v *Vault) KeyID() string { return v.current.ID() }

// Dir is the directory of the objects' files.
func (v *Vault) Dir() string { return v.dir }

// path returns the file of object id.
func (v *Vault) path(id string) (string, error) {
	if !objectID.MatchString(id) {
		return "", fmt.Errorf("evidence object id %q: want 1-64 letters, digits, _ or -", id)
	}
	return filepath.Join(v.dir, id+blobSuffix), nil
}

// Seal encrypts data as object id under a fresh data key, writes the ciphertext to the
// object's file (durably, replacing nothing: an id is written once), and returns the data key
// wrapped under the current key and that key's id, for the caller to store with the object's
// record.
func (v *Vault) Seal(id string, data []byte) (keyID string, wrapped []byte, err error) {
	path, err := v.path(id)
	if err != nil {
		return "", nil, err
	}
	dek := make([]byte, KeySize)
	rand.Read(dek)
	blob, err := seal(blobMagic, dek, data, id)
	if err != nil {
		return "", nil, err
	}
	if wrapped, err = wrapKey(v.current, id, dek); err != nil {
		return "", nil, err
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("seal %s: its file exists already", id)
	}
	err = atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(blob); return err })
	if err != nil {
		return "", nil, fmt.Errorf("seal %s: %w", id, err)
	}
	return v.current.ID(), wrapped, nil
}

// key returns the loaded key with id.
func (v *Vault) key(id string) (Key, error) {
	k, ok := v.keys[id]
	if !ok {
		return Key{}, fmt.Errorf("evidence key %s is not loaded (loaded: %s)", id, strings.Join(v.keyIDs(), ", "))
	}
	return k, nil
}

func (v *Vault) keyIDs() []string {
	ids := make([]string, 0, len(v.keys))
	for id := range v.keys {
		ids = append(ids, id)
	}
	return ids
}

// Open reads and decrypts object id, whose data key keyID wrapped.
func (v *Vault) Open(id, keyID string, wrapped []byte) ([]byte, error) {
	path, err := v.path(id)
	if err != nil {
		return nil, err
	}
	k, err := v.key(keyID)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", id, err)
	}
	dek, err := unwrapKey(k, id, wrapped)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", id, err)
	}
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", id, err)
	}
	data, err := open(blobMagic, dek, blob, id)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", id, err)
	}
	return data, nil
}

// Rewrap unwraps the data key of object id with the key keyID and wraps it again under the
// current key, for a rotation. The object's file does not change.
func (v *Vault) Rewrap(id, keyID string, wrapped []byte) (newKeyID string, rewrapped []byte, err error) {
	k, err := v.key(keyID)
	if err != nil {
		return "", nil, fmt.Errorf("rewrap %s: %w", id, err)
	}
	dek, err := unwrapKey(k, id, wrapped)
	if err != nil {
		return "", nil, fmt.Errorf("rewrap %s: %w", id, err)
	}
	if rewrapped, err = wrapKey(v.current, id, dek); err != nil {
		return "", nil, err
	}
	return v.current.ID(), rewrapped, nil
}

// Remove deletes object id's file; a file already gone is not an error. Its contents are
// unreadable already once the wrapped data key is erased; removing the file frees the space
// and leaves no ciphertext behind.
func (v *Vault) Remove(id string) error {
	path, err := v.path(id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove evidence %s: %w", id, err)
	}
	return nil
}

// Objects lists the ids of the objects that have a file, so that the sweeper can remove
// those with no kept record (a Seal whose transaction rolled back, a Remove that failed).
func (v *Vault) Objects() ([]string, error) {
	entries, err := os.ReadDir(v.dir)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), blobSuffix); ok && objectID.MatchString(id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// RemoveInterrupted deletes the temporary files of writes a crash interrupted. Call it only
// when no Seal runs: the sweeper does, inside a write transaction, which excludes Seal.
func (v *Vault) RemoveInterrupted() error {
	entries, err := os.ReadDir(v.dir)
	if err != nil {
		return fmt.Errorf("list evidence: %w", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if err := os.Remove(filepath.Join(v.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove interrupted write %s: %w", e.Name(), err)
		}
	}
	return nil
}
