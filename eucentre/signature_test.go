package eucentre

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// testKey returns a fixed key pair, derived from seed byte b.
func testKey(b byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

// RP-03: a signed report verifies, and any change to it, its signature or its key does not.
func TestSignVerify(t *testing.T) {
	doc := renderFull(t)
	pub, priv := testKey(1)
	otherPub, otherPriv := testKey(2)
	sig, err := Sign(priv, doc)
	if err != nil {
		t.Fatal(err)
	}
	otherSig, err := Sign(otherPriv, doc)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(doc, []byte(`"removed":true`), []byte(`"removed":false`), 1)
	if bytes.Equal(tampered, doc) {
		t.Fatal("tampering left the document unchanged")
	}
	flipped := Signature{KeyID: sig.KeyID, Value: bytes.Clone(sig.Value)}
	flipped.Value[0] ^= 1
	for _, tc := range []struct {
		name string
		pub  ed25519.PublicKey
		doc  []byte
		sig  Signature
		want error
	}{
		{"valid", pub, doc, sig, nil},
		{"document changed", pub, tampered, sig, ErrBadSignature},
		{"signature changed", pub, doc, flipped, ErrBadSignature},
		{"signature cut short", pub, doc, Signature{KeyID: sig.KeyID, Value: sig.Value[:10]}, ErrBadSignature},
		{"signed by another key", pub, doc, otherSig, ErrUnknownKey},
		{"another key's signature under our id", pub, doc, Signature{KeyID: sig.KeyID, Value: otherSig.Value}, ErrBadSignature},
		{"verified with another key", otherPub, doc, sig, ErrUnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Verify(tc.pub, tc.doc, tc.sig)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSignVerifyBadKeys(t *testing.T) {
	_, priv := testKey(1)
	if _, err := Sign(priv[:31], []byte("x")); err == nil || !strings.Contains(err.Error(), "private key is 31 bytes") {
		t.Errorf("Sign with a short key = %v, want a length error", err)
	}
	sig, err := Sign(priv, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(ed25519.PublicKey{1, 2, 3}, []byte("x"), sig); err == nil || !strings.Contains(err.Error(), "public key is 3 bytes") {
		t.Errorf("Verify with a short key = %v, want a length error", err)
	}
}

func TestKeyID(t *testing.T) {
	a, _ := testKey(1)
	b, _ := testKey(2)
	if KeyID(a) == KeyID(b) {
		t.Errorf("two keys share the id %s", KeyID(a))
	}
	if id := KeyID(a); len(id) != 16 || !keyIDPattern.MatchString(id) || strings.ToLower(id) != id {
		t.Errorf("KeyID = %q, want 16 lowercase hex digits", id)
	}
}

func TestParseSignature(t *testing.T) {
	_, priv := testKey(1)
	sig, err := Sign(priv, []byte("doc"))
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(sig.Value)
	unpadded := strings.TrimRight(b64, "=")
	nonCanonical := b64[:len(b64)-3] + "B=="
	for _, tc := range []struct {
		name, header string
		ok           bool
	}{
		{"as written", sig.String(), true},
		{"parameters swapped", "key=" + sig.KeyID + ";ed25519=" + b64, true},
		{"spaces around parameters", "  ed25519=" + b64 + " ;  key=" + sig.KeyID + " ", true},
		{"unknown parameter skipped", sig.String() + "; alg=v2", true},
		{"empty", "", false},
		{"no key", "ed25519=" + b64, false},
		{"no signature", "key=" + sig.KeyID, false},
		{"two signatures", sig.String() + "; ed25519=" + b64, false},
		{"two keys", sig.String() + "; key=" + sig.KeyID, false},
		{"parameter without =", sig.String() + "; flag", false},
		{"signature not base64", "ed25519=***; key=" + sig.KeyID, false},
		{"signature unpadded", "ed25519=" + unpadded + "; key=" + sig.KeyID, false},
		{"signature not canonical base64", "ed25519=" + nonCanonical + "; key=" + sig.KeyID, false},
		{"signature too short", "ed25519=" + base64.StdEncoding.EncodeToString(sig.Value[:63]) + "; key=" + sig.KeyID, false},
		{"key id with a space", "ed25519=" + b64 + "; key=a b", false},
		{"key id empty", "ed25519=" + b64 + "; key=", false},
		{"key id too long", "ed25519=" + b64 + "; key=" + strings.Repeat("a", 65), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSignature(tc.header)
			if !tc.ok {
				if !errors.Is(err, ErrMalformedSignature) {
					t.Fatalf("ParseSignature = %+v, %v; want ErrMalformedSignature", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSignature: %v", err)
			}
			if got.KeyID != sig.KeyID || !bytes.Equal(got.Value, sig.Value) {
				t.Errorf("ParseSignature = %+v, want %+v", got, sig)
			}
		})
	}
}

// FuzzParseSignature checks that no header makes the parser panic, and that whatever it accepts
// is written back by String to a header that parses to the same signature.
func FuzzParseSignature(f *testing.F) {
	_, priv := testKey(1)
	sig, err := Sign(priv, []byte("doc"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sig.String())
	f.Add("key=abc;ed25519=" + base64.StdEncoding.EncodeToString(sig.Value) + ";x=y")
	f.Add("ed25519=;key=")
	f.Add(";;;")
	f.Fuzz(func(t *testing.T, header string) {
		got, err := ParseSignature(header)
		if err != nil {
			if !errors.Is(err, ErrMalformedSignature) {
				t.Fatalf("error %v does not wrap ErrMalformedSignature", err)
			}
			return
		}
		again, err := ParseSignature(got.String())
		if err != nil {
			t.Fatalf("String() of an accepted signature does not parse: %v", err)
		}
		if again.KeyID != got.KeyID || !bytes.Equal(again.Value, got.Value) {
			t.Fatalf("round trip changed %+v to %+v", got, again)
		}
	})
}
