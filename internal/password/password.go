// Package password hashes passwords with argon2id and checks them, storing each hash as a PHC
// string ($argon2id$v=19$m=...,t=...,p=...$salt$hash) so the parameters travel with the hash and
// can be raised later without invalidating stored ones.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default follows OWASP's argon2id minimum (19 MiB, 2 passes, 1 thread): about 30 ms a hash,
// cheap enough for a 2-core server, dear enough to slow guessing from a stolen database.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// Parsing refuses parameters beyond these, so a planted hash cannot make a check take
	// gigabytes or minutes.
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 64
	maxKeyLen  = 128
	maxSaltLen = 64
)

// Hash returns the PHC string of password hashed with p and a fresh random salt.
func Hash(password string, p Params) string {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return encode(p, salt, key)
}

func encode(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Check reports whether password matches the PHC string phc. It returns an error only when phc
// is not a valid argon2id hash.
func Check(password, phc string) (bool, error) {
	p, salt, key, err := Parse(phc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// Parse splits a PHC string into its parameters, salt and key, refusing anything that is not
// argon2id version 19 with parameters in bounds.
func Parse(phc string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, errors.New("password hash: not a PHC string")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("password hash: algorithm %q, want argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("password hash: version %q, want v=%d", parts[2], argon2.Version)
	}
	if p, err = parseParams(parts[3]); err != nil {
		return p, nil, nil, err
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 || len(salt) > maxSaltLen {
		return p, nil, nil, errors.New("password hash: bad salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > maxKeyLen {
		return p, nil, nil, errors.New("password hash: bad key")
	}
	return p, salt, key, nil
}

// parseParams reads "m=19456,t=2,p=1".
func parseParams(s string) (Params, error) {
	var p Params
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return p, fmt.Errorf("password hash: parameters %q, want m=,t=,p=", s)
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return p, fmt.Errorf("password hash: parameter %q, want %sNUMBER", fields[i], name)
		}
		vals[i] = n
	}
	if vals[0] < 8 || vals[0] > maxMemory || vals[1] < 1 || vals[1] > maxTime || vals[2] < 1 || vals[2] > 255 {
		return p, fmt.Errorf("password hash: parameters %q out of bounds", s)
	}
	return Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}, nil
}
