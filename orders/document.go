// Package orders handles authority orders: the Annex IV (removal, delisting) and Annex VII
// (blocking) document an authority sends and its validation, the Annex VI confirmation the
// provider signs after execution, and the worker that watches the 24-hour clocks (RO-03): it
// raises the T-4 h alert once, settles orders whose actions the platform confirmed, moves
// blocking orders through their start and end dates, and exports the orders metrics.
package orders

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vigilproject/vigil"
)

// Document is an order as an authority sends it to POST /v1/orders and as the API shows it
// back: every Annex IV field (RO-02), the Annex VII list fields of a blocking order (BL-02).
// Times are RFC 3339 with the sender's time zone, kept as given.
type Document struct {
	Kind                vigil.OrderKind `json:"kind"`
	Reference           string          `json:"reference"`
	IssuingAuthority    Authority       `json:"issuing_authority"`
	RequestingAuthority *Authority      `json:"requesting_authority,omitempty"`
	Provider            string          `json:"provider"`
	ContactPoint        string          `json:"contact_point,omitempty"`
	Service             string          `json:"service"`
	Items               []Item          `json:"items"`
	CSAMDefinitions     []string        `json:"csam_definitions,omitempty"`
	Reasons             string          `json:"reasons,omitempty"`
	LegalBasis          string          `json:"legal_basis,omitempty"`
	NonDisclosure       bool            `json:"non_disclosure"`
	NonDisclosureDays   int             `json:"non_disclosure_days,omitempty"`
	Redress             *Redress        `json:"redress,omitempty"`
	IssuedAt            string          `json:"issued_at"`
	Signature           string          `json:"signature,omitempty"`
	Language            string          `json:"language,omitempty"`
	URLList             *URLList        `json:"url_list,omitempty"`
}

// Authority is an issuing or requesting authority.
type Authority struct {
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	Contact string `json:"contact,omitempty"`
}

// Item is one URL an order names, what identifies the material there, and the platform's
// content id when the authority knows it.
type Item struct {
	URL       string `json:"url"`
	Info      string `json:"info,omitempty"`
	ContentID string `json:"content_id,omitempty"`
}

// Redress is the information on judicial redress (RO-09).
type Redress struct {
	Court       string `json:"court"`
	TimeLimits  string `json:"time_limits"`
	NationalLaw string `json:"national_law,omitempty"`
}

// URLList names the EU Centre URL list a blocking order applies, at which version, and when
// blocking starts and ends (BL-01, BL-02).
type URLList struct {
	Reference string `json:"reference"`
	Version   string `json:"version"`
	Start     string `json:"start"`
	End       string `json:"end"`
}

// MaxDocument bounds the size of an order document.
const MaxDocument = 1 << 20

// Parse decodes and validates an order document. Unknown fields are refused, so a misspelt
// field cannot silently drop part of an order; errors are *vigil.Error naming the field.
func Parse(data []byte) (vigil.Order, error) {
	if len(data) > MaxDocument {
		return vigil.Order{}, vigil.Errorf(vigil.ETOOLARGE, "an order document is at most %d bytes", MaxDocument)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return vigil.Order{}, vigil.FieldErrorf(vigil.EINVALID, te.Field, "must be %s", te.Type)
		}
		return vigil.Order{}, vigil.Errorf(vigil.EINVALID, "order document: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return vigil.Order{}, vigil.Errorf(vigil.EINVALID, "order document: data after the JSON object")
	}
	if err := d.Validate(); err != nil {
		return vigil.Order{}, err
	}
	return d.Order(), nil
}

// Order converts a validated document to an order; it does not validate d again, so it also
// serves to load documents stored earlier.
func (d Document) Order() vigil.Order {
	o := vigil.Order{
		Kind: d.Kind, Reference: d.Reference, IssuingAuthority: vigil.Authority(d.IssuingAuthority),
		Provider: d.Provider, ContactPoint: d.ContactPoint, Service: d.Service,
		Definitions: d.CSAMDefinitions, Reasons: d.Reasons, LegalBasis: d.LegalBasis,
		Signature: d.Signature, Language: d.Language,
	}
	if d.RequestingAuthority != nil {
		o.RequestingAuthority = vigil.Authority(*d.RequestingAuthority)
	}
	if d.NonDisclosure {
		o.NonDisclosure = time.Duration(d.NonDisclosureDays) * 24 * time.Hour
	}
	if d.Redress != nil {
		o.Redress = vigil.Redress(*d.Redress)
	}
	o.Issued, _ = time.Parse(time.RFC3339Nano, d.IssuedAt)
	for _, it := range d.Items {
		o.Items = append(o.Items, vigil.OrderItem{URL: it.URL, Info: it.Info, ContentID: it.ContentID})
	}
	if l := d.URLList; l != nil {
		o.ListReference, o.ListVersion = l.Reference, l.Version
		o.Start, _ = time.Parse(time.RFC3339Nano, l.Start)
		o.End, _ = time.Parse(time.RFC3339Nano, l.End)
	}
	return o
}

// FromOrder returns the document of o, the inverse of Document.Order.
func FromOrder(o vigil.Order) Document {
	d := Document{
		Kind: o.Kind, Reference: o.Reference, IssuingAuthority: Authority(o.IssuingAuthority),
		Provider: o.Provider, ContactPoint: o.ContactPoint, Service: o.Service,
		CSAMDefinitions: o.Definitions, Reasons: o.Reasons, LegalBasis: o.LegalBasis,
		NonDisclosure: o.NonDisclosure > 0, NonDisclosureDays: int(o.NonDisclosure / (24 * time.Hour)),
		IssuedAt: formatTime(o.Issued), Signature: o.Signature, Language: o.Language,
		Items: make([]Item, len(o.Items)),
	}
	if o.RequestingAuthority != (vigil.Authority{}) {
		ra := Authority(o.RequestingAuthority)
		d.RequestingAuthority = &ra
	}
	if o.Redress != (vigil.Redress{}) {
		r := Redress(o.Redress)
		d.Redress = &r
	}
	for i, it := range o.Items {
		d.Items[i] = Item{URL: it.URL, Info: it.Info, ContentID: it.ContentID}
	}
	if o.Kind == vigil.OrderBlocking {
		d.URLList = &URLList{Reference: o.ListReference, Version: o.ListVersion,
			Start: formatTime(o.Start), End: formatTime(o.End)}
	}
	return d
}

// formatTime writes t as RFC 3339 in its own time zone, as the authority gave it.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// Marshal returns the document's JSON, as the store keeps it.
func (d Document) Marshal() ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("order document: %w", err)
	}
	return b, nil
}
