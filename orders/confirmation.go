package orders

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// Confirmation is the Annex VI confirmation of execution the provider sends the competent
// authority and the EU Centre (RO-06): which order, what was done, that it took effect in every
// Member State, and when, with the time zone.
//
// Its canonical bytes are encoding/json of this struct: fields in the order declared here, no
// insignificant whitespace, HTML characters escaped as encoding/json does. The provider's
// Ed25519 key signs exactly those bytes, so a receiver verifies the document as sent, without
// re-encoding it.
type Confirmation struct {
	Type              string    `json:"type"` // always "annex_vi_confirmation"
	OrderID           string    `json:"order_id"`
	OrderReference    string    `json:"order_reference"`
	OrderKind         string    `json:"order_kind"`
	IssuingAuthority  Authority `json:"issuing_authority"`
	Provider          string    `json:"provider"`
	Service           string    `json:"service"`
	Measure           string    `json:"measure"`
	InAllMemberStates bool      `json:"in_all_member_states"`
	URLs              []string  `json:"urls"`
	ReceivedAt        string    `json:"received_at"`
	ExecutedAt        string    `json:"executed_at"`
}

// ConfirmationType is the Type of every Annex VI confirmation.
const ConfirmationType = "annex_vi_confirmation"

// Confirm returns the canonical bytes of the Annex VI confirmation of o, executed with measure
// at executed, and their signature under key, base64-encoded. Times are written in UTC, the
// zone orders are received in, with its designator Z.
func Confirm(o vigil.Order, measure vigil.OrderMeasure, executed time.Time, key ed25519.PrivateKey) (doc []byte, sig string, err error) {
	c := Confirmation{
		Type: ConfirmationType, OrderID: o.ID, OrderReference: o.Reference, OrderKind: string(o.Kind),
		IssuingAuthority: Authority(o.IssuingAuthority), Provider: o.Provider, Service: o.Service,
		Measure: string(measure), InAllMemberStates: true, URLs: make([]string, len(o.Items)),
		ReceivedAt: o.Received.UTC().Format(time.RFC3339Nano),
		ExecutedAt: executed.UTC().Format(time.RFC3339Nano),
	}
	for i, it := range o.Items {
		c.URLs[i] = it.URL
	}
	doc, err = json.Marshal(c)
	if err != nil {
		return nil, "", fmt.Errorf("annex VI confirmation of %s: %w", o.ID, err)
	}
	return doc, base64.StdEncoding.EncodeToString(ed25519.Sign(key, doc)), nil
}

// VerifyConfirmation checks sig (base64) over doc under the provider's public key.
func VerifyConfirmation(pub ed25519.PublicKey, doc []byte, sig string) error {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return errors.New("annex VI confirmation: malformed signature")
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, doc, raw) {
		return errors.New("annex VI confirmation: signature does not verify")
	}
	return nil
}
