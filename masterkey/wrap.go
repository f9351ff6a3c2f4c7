package masterkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// wrapMagic starts every wrapped secret: it names the format, so a value stored before
// wrapping existed is told apart from a wrapped one.
const wrapMagic = "vgw1"

// nonceSize and tagSize are AES-GCM's standard nonce and tag lengths.
const (
	nonceSize = 12
	tagSize   = 16
)

// WrapOverhead is how many bytes Wrap adds to a secret: the magic, the data key wrapped under
// the master key with its nonce and tag, and the secret's own nonce and tag.
const WrapOverhead = len(wrapMagic) + nonceSize + Size + tagSize + nonceSize + tagSize

// ErrUnwrap is returned by Unwrap when the wrapped secret does not open: another master key
// wrapped it, or it was changed.
var ErrUnwrap = errors.New("wrong master key, or the wrapped secret was changed")

// Wrap encrypts secret for storage under the name it is stored by: a fresh random data key
// encrypts the secret with AES-256-GCM, and a key derived from the master key encrypts the
// data key. The name is authenticated with both, so a wrapped value copied to another name
// does not open.
func (k Key) Wrap(name string, secret []byte) ([]byte, error) {
	kek, err := newGCM(k.Derive("secret wrapping"))
	if err != nil {
		return nil, err
	}
	dek := make([]byte, Size)
	rand.Read(dek)
	data, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, WrapOverhead+len(secret))
	out = append(out, wrapMagic...)
	out = sealTo(out, kek, dek, name)
	return sealTo(out, data, secret, name), nil
}

// sealTo appends a random nonce and the AES-GCM sealing of plain to out.
func sealTo(out []byte, aead cipher.AEAD, plain []byte, name string) []byte {
	nonce := make([]byte, nonceSize)
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, []byte(name))
}

// IsWrapped reports whether v has the form Wrap writes (it may still fail to open).
func IsWrapped(v []byte) bool {
	return len(v) >= WrapOverhead && string(v[:len(wrapMagic)]) == wrapMagic
}

// Unwrap reverses Wrap for the secret stored under name.
func (k Key) Unwrap(name string, wrapped []byte) ([]byte, error) {
	if !IsWrapped(wrapped) {
		return nil, fmt.Errorf("unwrap %s: not a wrapped secret", name)
	}
	kek, err := newGCM(k.Derive("secret wrapping"))
	if err != nil {
		return nil, err
	}
	rest := wrapped[len(wrapMagic):]
	dekPart, secretPart := rest[:nonceSize+Size+tagSize], rest[nonceSize+Size+tagSize:]
	dek, err := kek.Open(nil, dekPart[:nonceSize], dekPart[nonceSize:], []byte(name))
	if err != nil {
		return nil, fmt.Errorf("unwrap %s: %w", name, ErrUnwrap)
	}
	data, err := newGCM(dek)
	if err != nil {
		return nil, err
	}
	secret, err := data.Open(nil, secretPart[:nonceSize], secretPart[nonceSize:], []byte(name))
	if err != nil {
		return nil, fmt.Errorf("unwrap %s: %w", name, ErrUnwrap)
	}
	return secret, nil
}

// newGCM returns AES-256-GCM under key.
func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("master key cipher: %w", err)
	}
	return cipher.NewGCM(block)
}
