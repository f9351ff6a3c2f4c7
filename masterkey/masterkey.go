// Package masterkey holds the master key that protects the secrets Vigil stores in its
// database and keys its audit chain. The key lives outside the database, in a file or the
// environment, so that a copy of the database (a stolen disk image, a backup) holds neither
// the secrets in clear nor the means to rewrite the audit log undetected.
package masterkey

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Size is the length of a master key in bytes: an AES-256 key.
const Size = 32

// DefaultFile is the name of the key file that "vigil serve" creates in its data directory
// when no key is given. Convenient for a first start; in production the key belongs elsewhere.
const DefaultFile = "master.key"

// Key is a master key. Its String and LogValue never show the key, so it cannot leak into
// logs or error messages by accident.
type Key struct {
	b [Size]byte
}

// Generate returns a new random key.
func Generate() Key {
	var k Key
	rand.Read(k.b[:])
	return k
}

// Parse reads a key written as base64 (standard or URL alphabet, padded or not), the form of
// the key file and of VIGIL_MASTER_KEY. Surrounding white space is ignored.
func Parse(text string) (Key, error) {
	text = strings.TrimRight(strings.TrimSpace(text), "=")
	var k Key
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(text)
		if err != nil {
			continue
		}
		if len(b) != Size {
			return k, fmt.Errorf("master key: %d bytes, want %d (base64 of %d random bytes)", len(b), Size, Size)
		}
		copy(k.b[:], b)
		return k, nil
	}
	return k, errors.New("master key: not base64")
}

// Encode returns k as Parse reads it.
func (k Key) Encode() string { return base64.StdEncoding.EncodeToString(k.b[:]) }

// String hides the key.
func (k Key) String() string { return "masterkey.Key([redacted])" }

// GoString hides the key from %#v.
func (k Key) GoString() string { return k.String() }

// LogValue hides the key from slog.
func (k Key) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// maxFile bounds what ReadFile reads: a key file is a line of base64.
const maxFile = 1024

// ReadFile reads a key file written by Create (base64 on one line).
func ReadFile(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("master key file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return Key{}, fmt.Errorf("master key file %s: %w", path, err)
	}
	if len(b) > maxFile {
		return Key{}, fmt.Errorf("master key file %s: longer than %d bytes, not a key", path, maxFile)
	}
	k, err := Parse(string(b))
	if err != nil {
		return Key{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Create writes a new random key to path, which must not exist, readable by its owner only,
// and returns it.
func Create(path string) (Key, error) {
	k := Generate()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Key{}, fmt.Errorf("create master key file: %w", err)
	}
	_, err = io.WriteString(f, k.Encode()+"\n")
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(path)
		return Key{}, fmt.Errorf("create master key file %s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreate reads the key file at path, creating it with a new key (mode 0600) when it
// does not exist; created says which happened.
func LoadOrCreate(path string) (k Key, created bool, err error) {
	k, err = ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, false, fmt.Errorf("create master key file: %w", err)
	}
	k, err = Create(path)
	if errors.Is(err, fs.ErrExist) { // another process created it first
		k, err = ReadFile(path)
		return k, false, err
	}
	return k, err == nil, err
}

// Derive returns a 32-byte key for one purpose, HMAC-SHA256 of the purpose under the master
// key (HKDF's expand step for one block: the master key is already uniformly random), so each
// use of the master key (wrapping secrets, keying the audit chain) has a key of its own and
// none reveals another or the master key.
func (k Key) Derive(purpose string) []byte {
	mac := hmac.New(sha256.New, k.b[:])
	mac.Write([]byte("vigil key derivation\x00" + purpose))
	return mac.Sum(nil)
}
