// Package vault keeps evidence encrypted at rest (PR-05, Art. 22(2)): each object is sealed
// with AES-256-GCM under a fresh data key, and the data key is wrapped by the evidence key, a
// key-encryption key of its own kept outside the database (a file or the environment) and
// separate from the database's master key, so that it can be rotated on its own. Only
// ciphertext is written to disk, as one file per object; the wrapped data key and the
// metadata belong in the database. Erasing the wrapped data key makes the object unreadable
// for good (crypto-shredding), whatever copies of its file remain.
package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"

	"github.com/vigilproject/vigil/masterkey"
)

// KeySize is the length of an evidence key in bytes: an AES-256 key.
const KeySize = masterkey.Size

// DefaultKeyFile is the evidence key file that the server creates in its data directory when
// no key is given.
const DefaultKeyFile = "evidence.key"

// evidenceKey names the evidence key in the errors of the masterkey functions that parse,
// read and write it: it has the master key's form and files, but is a key of its own.
const evidenceKey masterkey.Kind = "evidence key"

// Key is an evidence key. Its String, GoString and LogValue never show the key, so it cannot
// reach a log or an error message by accident.
type Key struct {
	mk masterkey.Key
}

// GenerateKey returns a new random key.
func GenerateKey() Key { return Key{masterkey.Generate()} }

// ParseKey reads a key written as base64 (standard or URL alphabet, padded or not), the form
// of the key file and of VIGIL_EVIDENCE_KEY. Surrounding white space is ignored. Errors never
// quote the text.
func ParseKey(text string) (Key, error) {
	mk, err := evidenceKey.Parse(text)
	return Key{mk}, err
}

// bytes returns the key itself, for wrapping data keys under it.
func (k Key) bytes() []byte { return k.mk.Bytes() }

// ID names k without revealing it: "ek_" and 16 hex digits of an HMAC under the key. Each
// wrapped data key is stored with the id of the key that wrapped it.
func (k Key) ID() string {
	mac := hmac.New(sha256.New, k.bytes())
	mac.Write([]byte("vigil evidence key id"))
	return "ek_" + hex.EncodeToString(mac.Sum(nil)[:8])
}

// String hides the key.
func (k Key) String() string { return "vault.Key(" + k.ID() + ")" }

// GoString hides the key from %#v.
func (k Key) GoString() string { return k.String() }

// LogValue hides the key from slog.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// ReadKeyFile reads an evidence key file (base64 on one line).
func ReadKeyFile(path string) (Key, error) {
	mk, err := evidenceKey.ReadFile(path)
	return Key{mk}, err
}

// writeKeyFile writes k to path atomically, replacing any file there, readable by its owner
// only: for the new key of a rotation.
func writeKeyFile(path string, k Key) error { return evidenceKey.WriteFile(path, k.mk) }

// LoadOrCreateKeyFile reads the key file at path, creating it with a new key (mode 0600,
// directory 0700) when it does not exist; created says which happened. A crash never leaves a
// partial key file, and a file another process created first is kept.
func LoadOrCreateKeyFile(path string) (k Key, created bool, err error) {
	mk, created, err := evidenceKey.LoadOrCreate(path)
	return Key{mk}, created, err
}
