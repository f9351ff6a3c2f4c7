package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// The formats on disk and in the database each begin with a magic naming them, so that a
// future format can be told apart.
const (
	blobMagic    = "veb1" // an object's file: magic, nonce, AES-256-GCM ciphertext and tag
	wrappedMagic = "vek1" // a wrapped data key: magic, nonce, the sealed 32-byte data key
)

const (
	nonceSize = 12
	tagSize   = 16
	// WrappedKeySize is the length of a wrapped data key.
	WrappedKeySize = len(wrappedMagic) + nonceSize + KeySize + tagSize
	// BlobOverhead is how many bytes an object's file has beyond the object.
	BlobOverhead = len(blobMagic) + nonceSize + tagSize
)

// ErrOpen is returned when a wrapped key or a blob does not open: another key wrapped it, it
// belongs to another object, or it was changed.
var ErrOpen = errors.New("evidence does not decrypt: wrong key, another object's data, or changed")

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("evidence cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal appends magic, a random nonce and the sealing of plain under key to nothing, with
// additional data ad binding the result to its object.
func seal(magic string, key, plain []byte, ad string) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(magic)+nonceSize, len(magic)+nonceSize+len(plain)+tagSize)
	copy(out, magic)
	rand.Read(out[len(magic):])
	return aead.Seal(out, out[len(magic):], plain, []byte(ad)), nil
}

// open reverses seal.
func open(magic string, key, sealed []byte, ad string) ([]byte, error) {
	if len(sealed) < len(magic)+nonceSize+tagSize || string(sealed[:len(magic)]) != magic {
		return nil, fmt.Errorf("not a %s record (%d bytes): %w", magic, len(sealed), ErrOpen)
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := sealed[len(magic) : len(magic)+nonceSize]
	plain, err := aead.Open(nil, nonce, sealed[len(magic)+nonceSize:], []byte(ad))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// wrapAD binds a wrapped data key to its object and to the key that wrapped it.
func wrapAD(objectID string, k Key) string {
	return "vigil evidence data key\x00" + objectID + "\x00" + k.ID()
}

// wrapKey wraps the data key dek of objectID under k.
func wrapKey(k Key, objectID string, dek []byte) ([]byte, error) {
	return seal(wrappedMagic, k.bytes(), dek, wrapAD(objectID, k))
}

// unwrapKey reverses wrapKey.
func unwrapKey(k Key, objectID string, wrapped []byte) ([]byte, error) {
	dek, err := open(wrappedMagic, k.bytes(), wrapped, wrapAD(objectID, k))
	if err != nil {
		return nil, fmt.Errorf("data key of %s: %w", objectID, err)
	}
	if len(dek) != KeySize {
		return nil, fmt.Errorf("data key of %s: %d bytes: %w", objectID, len(dek), ErrOpen)
	}
	return dek, nil
}
