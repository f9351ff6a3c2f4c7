package hasher

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"reflect"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// TestResultSignals checks each signal's type and text against digests computed by md5sum,
// sha1sum and sha256sum of the same bytes.
func TestResultSignals(t *testing.T) {
	data := []byte("benign bytes")
	h, err := pdq.Parse(strings.Repeat("0f", 32))
	if err != nil {
		t.Fatal(err)
	}
	r := &Result{PDQ: h, MD5: md5.Sum(data), SHA1: sha1.Sum(data), SHA256: sha256.Sum256(data)}
	want := []signal.Signal{
		{Type: signal.PDQ, Value: strings.Repeat("0f", 32)},
		{Type: signal.MD5, Value: "9f826be432023e82ff4297be973e78d1"},
		{Type: signal.SHA1, Value: "b81e3996a106d88c6d54021adee43428968eae03"},
		{Type: signal.SHA256, Value: "3c7a2f340c104c632643bdb32d76fa4034dc58dc7e0361d6cc8c4596aded3dd8"},
	}
	if got := r.Signals(); !reflect.DeepEqual(got, want) {
		t.Errorf("Signals() = %v, want %v", got, want)
	}
}
