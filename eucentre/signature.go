package eucentre

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// SignatureHeader is the HTTP header that carries a document's detached signature, as
// Signature.String writes it.
const SignatureHeader = "Vigil-Signature"

// Errors Verify and ParseSignature return, so a receiver can say why it refused a document.
var (
	ErrMalformedSignature = errors.New("eucentre: malformed signature")
	ErrUnknownKey         = errors.New("eucentre: signature by another key")
	ErrBadSignature       = errors.New("eucentre: signature does not match the document")
)

// Signature is a detached Ed25519 signature over a document's canonical bytes (RP-03), with
// the id of the key that made it.
type Signature struct {
	KeyID string // KeyID of the signer's public key
	Value []byte // ed25519.SignatureSize bytes
}

// keyIDPattern is what a key id may look like: KeyID writes 16 lowercase hex digits, and other
// signers may use any short token that needs no quoting in a header.
var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// KeyID names a public key: the first 8 bytes of its SHA-256, in lowercase hex. It lets a
// receiver that trusts several keys (before and after a rotation) pick the one to verify with.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Sign signs doc, the canonical bytes Render returned, with the provider's key. It fails only
// for a key of the wrong length, where crypto/ed25519 would panic.
func Sign(priv ed25519.PrivateKey, doc []byte) (Signature, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return Signature{}, fmt.Errorf("eucentre: sign: private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	pub, _ := priv.Public().(ed25519.PublicKey)
	return Signature{KeyID: KeyID(pub), Value: ed25519.Sign(priv, doc)}, nil
}

// Verify checks that sig was made over doc by the holder of pub's private key.
func Verify(pub ed25519.PublicKey, doc []byte, sig Signature) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("eucentre: verify: public key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if want := KeyID(pub); sig.KeyID != want {
		return fmt.Errorf("%w: key %q, want %q", ErrUnknownKey, sig.KeyID, want)
	}
	if len(sig.Value) != ed25519.SignatureSize || !ed25519.Verify(pub, doc, sig.Value) {
		return ErrBadSignature
	}
	return nil
}

// String returns the SignatureHeader value: "ed25519=<standard base64>; key=<key id>".
func (s Signature) String() string {
	return "ed25519=" + base64.StdEncoding.EncodeToString(s.Value) + "; key=" + s.KeyID
}

// ParseSignature reads a SignatureHeader value. Parameters are separated by semicolons and may
// come in any order; ed25519 and key must each appear exactly once, and parameters with other
// names are skipped so that a later version can add some. The signature must be the canonical
// standard base64 of exactly ed25519.SignatureSize bytes.
func ParseSignature(header string) (Signature, error) {
	var sig Signature
	var seenSig, seenKey bool
	for part := range strings.SplitSeq(header, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Signature{}, fmt.Errorf("%w: parameter %q has no '='", ErrMalformedSignature, part)
		}
		switch name {
		case "ed25519":
			if seenSig {
				return Signature{}, fmt.Errorf("%w: two ed25519 parameters", ErrMalformedSignature)
			}
			v, err := base64.StdEncoding.Strict().DecodeString(value)
			if err != nil || len(v) != ed25519.SignatureSize || base64.StdEncoding.EncodeToString(v) != value {
				return Signature{}, fmt.Errorf("%w: ed25519 is not %d bytes of standard base64",
					ErrMalformedSignature, ed25519.SignatureSize)
			}
			sig.Value, seenSig = v, true
		case "key":
			if seenKey {
				return Signature{}, fmt.Errorf("%w: two key parameters", ErrMalformedSignature)
			}
			if !keyIDPattern.MatchString(value) {
				return Signature{}, fmt.Errorf("%w: key id is not 1 to 64 of A-Z a-z 0-9 . _ -", ErrMalformedSignature)
			}
			sig.KeyID, seenKey = value, true
		}
	}
	if !seenSig || !seenKey {
		return Signature{}, fmt.Errorf("%w: want \"ed25519=<base64>; key=<key id>\"", ErrMalformedSignature)
	}
	return sig, nil
}
