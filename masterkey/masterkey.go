// Package masterkey holds the master key that protects the secrets Vigil stores in its
// database and keys its audit chain. The key lives outside the database, in a file or the
// environment, so that a copy of the database (a stolen disk image, a backup) holds neither
// the secrets in clear nor the means to rewrite the audit log undetected. Other keys of the
// same form kept the same way (the evidence vault's key) reuse its Key type and files through
// a Kind.
package masterkey

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
)

// Size is the length of a master key in bytes: an AES-256 key.
const Size = 32

// DefaultFile is the name of the key file that "vigil serve" creates in its data directory
// when no key is given. Convenient for a first start; in production the key belongs elsewhere.
const DefaultFile = "master.key"

// Key is a master key, or another 32-byte key of a Kind. Its String and LogValue never show
// the key, so it cannot leak into logs or error messages by accident.
type Key struct {
	b [Size]byte
}

// Generate returns a new random key.
func Generate() Key {
	var k Key
	rand.Read(k.b[:])
	return k
}

// A Kind names a key of this form in error messages. Vigil keeps more than one such key
// outside its database (the master key, the evidence key), each a line of base64 in a file of
// its own or in an environment variable; a Kind parses, reads and writes any of them, and
// its errors say which key is at fault.
type Kind string

// Master is the kind of the master key, which the package-level functions handle.
const Master Kind = "master key"

// Parse reads a master key written as base64 (standard or URL alphabet, padded or not), the
// form of the key file and of VIGIL_MASTER_KEY. Surrounding white space is ignored.
func Parse(text string) (Key, error) { return Master.Parse(text) }

// Parse reads a key of kind kind written as base64 (standard or URL alphabet, padded or not).
// Surrounding white space is ignored. Errors never quote the text, which may be a key.
func (kind Kind) Parse(text string) (Key, error) {
	text = strings.TrimRight(strings.TrimSpace(text), "=")
	var k Key
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(text)
		if err != nil {
			continue
		}
		if len(b) != Size {
			return k, fmt.Errorf("%s: %d bytes, want %d (base64 of %d random bytes)", kind, len(b), Size, Size)
		}
		copy(k.b[:], b)
		return k, nil
	}
	return k, fmt.Errorf("%s: not base64", kind)
}

// Encode returns k as Parse reads it.
func (k Key) Encode() string { return base64.StdEncoding.EncodeToString(k.b[:]) }

// Bytes returns a copy of the key, for a key used directly as a cipher key (the evidence key
// wraps data keys under itself). Never log or store the result.
func (k Key) Bytes() []byte { return bytes.Clone(k.b[:]) }

// String hides the key.
func (k Key) String() string { return "masterkey.Key([redacted])" }

// GoString hides the key from %#v.
func (k Key) GoString() string { return k.String() }

// LogValue hides the key from slog.
func (k Key) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Derive returns a 32-byte key for one purpose, HMAC-SHA256 of the purpose under the master
// key (HKDF's expand step for one block: the master key is already uniformly random), so each
// use of the master key (wrapping secrets, keying the audit chain) has a key of its own and
// none reveals another or the master key.
func (k Key) Derive(purpose string) []byte {
	mac := hmac.New(sha256.New, k.b[:])
	mac.Write([]byte("vigil key derivation\x00" + purpose))
	return mac.Sum(nil)
}
