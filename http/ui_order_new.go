package http

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// newOrderPage is the data of the Annex IV form.
type newOrderPage struct {
	Kinds       []vigil.OrderKind
	Definitions []string
	// Key is the form's idempotency key: posting the form twice records one order.
	Key string
}

// uiNewOrder shows the form to record an order that arrived by other means than the API (a
// signed PDF by email, say): the same fields and validation as POST /v1/orders.
func (s *Server) uiNewOrder(w http.ResponseWriter, r *http.Request) {
	var key [16]byte
	rand.Read(key[:])
	s.render(w, r, http.StatusOK, "order_new", page{Title: "Record an order", Nav: "orders",
		Data: newOrderPage{Kinds: vigil.OrderKinds, Definitions: vigil.CSAMDefinitions, Key: hex.EncodeToString(key[:])}})
}

func (s *Server) uiCreateOrder(w http.ResponseWriter, r *http.Request) {
	doc, err := orderFromForm(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o, err := orders.Parse(raw)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o.IdempotencyKey = r.PostFormValue("idempotency_key")
	if len(o.IdempotencyKey) > maxIdempotencyKey {
		s.renderError(w, r, vigil.FieldErrorf(vigil.EINVALID, "idempotency_key", "at most %d characters", maxIdempotencyKey))
		return
	}
	got, _, err := s.Orders.Receive(r.Context(), o)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/orders/"+got.ID+"?done=created")
}

// orderFromForm reads the Annex IV form into a document. Items are one per line: the exact URL,
// then optionally the content id (cnt_...), then identifying information.
func orderFromForm(r *http.Request) (orders.Document, error) {
	if err := r.ParseForm(); err != nil {
		return orders.Document{}, vigil.Errorf(vigil.EINVALID, "form: %v", err)
	}
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	d := orders.Document{
		Kind: vigil.OrderKind(v("kind")), Reference: v("reference"),
		IssuingAuthority: orders.Authority{Name: v("issuing_name"), Country: v("issuing_country"), Contact: v("issuing_contact")},
		Provider:         v("provider"), ContactPoint: v("contact_point"), Service: v("service"),
		CSAMDefinitions: r.PostForm["csam_definitions"], Reasons: v("reasons"), LegalBasis: v("legal_basis"),
		NonDisclosure: v("non_disclosure") == "on", IssuedAt: v("issued_at"), Signature: v("signature"),
		Language: v("language"), Items: itemsFromLines(v("items")),
	}
	if name := v("requesting_name"); name != "" {
		d.RequestingAuthority = &orders.Authority{Name: name, Country: v("requesting_country")}
	}
	if d.NonDisclosure {
		days, err := strconv.Atoi(v("non_disclosure_days"))
		if err != nil {
			return d, vigil.FieldErrorf(vigil.EINVALID, "non_disclosure_days", "must be a number of days")
		}
		d.NonDisclosureDays = days
	}
	if court, limits, law := v("redress_court"), v("redress_time_limits"), v("redress_national_law"); court+limits+law != "" {
		d.Redress = &orders.Redress{Court: court, TimeLimits: limits, NationalLaw: law}
	}
	if d.Kind == vigil.OrderBlocking {
		d.URLList = &orders.URLList{Reference: v("list_reference"), Version: v("list_version"),
			Start: v("list_start"), End: v("list_end")}
	}
	return d, nil
}

// itemsFromLines reads one item per non-empty line: URL [cnt_id] [info...].
func itemsFromLines(text string) []orders.Item {
	var items []orders.Item
	for line := range strings.Lines(text) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		it := orders.Item{URL: fields[0]}
		rest := fields[1:]
		if len(rest) > 0 && strings.HasPrefix(rest[0], vigil.PrefixContent+"_") {
			it.ContentID, rest = rest[0], rest[1:]
		}
		it.Info = strings.Join(rest, " ")
		items = append(items, it)
	}
	return items
}
