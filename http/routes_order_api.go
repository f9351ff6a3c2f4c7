package http

import (
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// IdempotencyKeyHeader names the header with which an authority makes a retried delivery of an
// order safe: the same key from the same sender returns the order first received.
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey bounds an Idempotency-Key.
const maxIdempotencyKey = 200

// Examples for the OpenAPI document.
var (
	exampleOrderDocument = orders.Document{
		Kind: vigil.OrderRemoval, Reference: "DE-BKA-2026-0042",
		IssuingAuthority:    orders.Authority{Name: "Amtsgericht Wiesbaden", Country: "DE", Contact: "poststelle@ag-wi.example"},
		RequestingAuthority: &orders.Authority{Name: "Bundeskriminalamt", Country: "DE"},
		Provider:            "Example Photos GmbH", ContactPoint: "legal@photos.example", Service: "photos",
		Items: []orders.Item{{URL: "https://photos.example/p/8d1f", Info: "photo page of album 77",
			ContentID: "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3"}},
		CSAMDefinitions: []string{"art2c_i"}, Reasons: "Known child sexual abuse material, verified by the authority.",
		LegalBasis: "Art. 14 of the CSA Regulation", NonDisclosure: true, NonDisclosureDays: 42,
		Redress:  &orders.Redress{Court: "Verwaltungsgericht Wiesbaden", TimeLimits: "one month from receipt", NationalLaw: "§ 74 VwGO"},
		IssuedAt: "2026-11-27T10:00:00+01:00", Signature: "MEUCIQDx...", Language: "de",
	}
	exampleOrder = orderJSON{ID: "ord_01JDQ3Z6V8X8N5W2K4T7R9M3Q1", Kind: vigil.OrderRemoval, Status: vigil.OrderExecuting,
		Document: exampleOrderDocument, ReceivedAt: "2026-11-27T09:05:00.000Z", ReceivedZone: "UTC",
		Sender:   senderJSON{Kind: vigil.ActorKey, ID: "key_01JDQ3Z6V8X8N5W2K4T7R9M3Q0", Name: "BKA order channel"},
		Deadline: "2026-11-28T09:05:00.000Z", RemainingSeconds: new(int64(86100)),
		Actions: []orderItemJSON{{URL: "https://photos.example/p/8d1f", ContentID: "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3",
			ActionID: "act_01JDQ3Z6V8X8N5W2K4T7R9M3Q2"}},
		Pauses: []pauseJSON{}}
)

// orderRoutes declares the authority orders API (RO-01..RO-10, BL-01, BL-02, BL-08, DL-01).
func (s *Server) orderRoutes() {
	paused := exampleOrder
	paused.Status, paused.RemainingSeconds = vigil.OrderPaused, nil
	paused.Pauses = []pauseJSON{{Reason: vigil.PauseTechnical, Text: "Storage cluster unreachable; restoring.",
		PausedAt: "2026-11-27T11:00:00.000Z"}}
	executed := exampleOrder
	executed.Status, executed.RemainingSeconds, executed.Measure, executed.ExecutedAt =
		vigil.OrderExecuted, nil, vigil.MeasureRemoved, "2026-11-27T13:40:00.000Z"
	s.handle(Route{Method: "POST", Pattern: "/v1/orders", Access: API, Scope: vigil.ScopeOrders,
		AltScope: vigil.ScopeOrdersSubmit, Tag: "orders",
		Summary: "Receive an authority's removal, blocking or delisting order or a notification for voluntary " +
			"consideration (Annex IV fields). A removal order starts its 24-hour clock and asks the platform to remove " +
			"each item; send an Idempotency-Key header to make retries safe (the same key returns the first order, 200). " +
			"An authority's orders:submit key may file orders and read back only those it filed",
		Request: exampleOrderDocument, Response: exampleOrder, Handler: s.needOrders(s.apiReceiveOrder)})
	s.handle(Route{Method: "GET", Pattern: "/v1/orders", Access: API, Scope: vigil.ScopeOrders, Tag: "orders",
		Summary:  "List orders, newest first; voluntary notifications are a separate queue (kind=voluntary)",
		Response: ordersResponse{Items: []orderJSON{exampleOrder}, NextCursor: ""},
		Query: []Param{
			{Name: "kind", Description: "comma-separated kinds: removal, blocking, delisting (the default: all three) or voluntary"},
			{Name: "status", Description: "comma-separated statuses: received, executing, paused, executed, cannot_execute, expired"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Description: "page size, 50 by default, at most 500"},
		},
		Handler: s.needOrders(s.apiOrders)})
	s.handle(Route{Method: "GET", Pattern: "/v1/orders/{id}", Access: API, Scope: vigil.ScopeOrders,
		AltScope: vigil.ScopeOrdersSubmit, Tag: "orders",
		Summary: "Get an order: its document, clock, actions, Annex V notices and execution. With orders:submit, " +
			"only an order the same key filed; any other is not found",
		Response: exampleOrder, Handler: s.needOrders(s.apiOrder)})
	s.handle(Route{Method: "POST", Pattern: "/v1/orders/{id}/cannot-execute", Access: API, Scope: vigil.ScopeOrders, Tag: "orders",
		Summary: "Record an Annex V notice (Annex VIII for blocking): the order cannot be executed for force_majeure, " +
			"technical, manifest_error or insufficient_information; the 24-hour clock stops",
		Request:  cannotExecuteRequest{Reason: vigil.PauseTechnical, Text: "Storage cluster unreachable; restoring."},
		Response: paused, Handler: s.needOrders(s.apiCannotExecute)})
	s.handle(Route{Method: "POST", Pattern: "/v1/orders/{id}/resume", Access: API, Scope: vigil.ScopeOrders, Tag: "orders",
		Summary: "Restart a paused order's clock: the cause ended or the authority's clarification arrived; the " +
			"deadline moves on by the paused time",
		Request: resumeRequest{Text: "Cluster restored."}, Response: exampleOrder, Handler: s.needOrders(s.apiResume)})
	s.handle(Route{Method: "POST", Pattern: "/v1/orders/{id}/execute", Access: API, Scope: vigil.ScopeOrders, Tag: "orders",
		Summary: "Record that an order was executed (removed or disabled; delisted for delisting orders) and issue its " +
			"signed Annex VI confirmation. Orders whose actions the platform confirms are executed automatically",
		Request: executeRequest{Measure: vigil.MeasureRemoved}, Response: executed, Handler: s.needOrders(s.apiExecute)})
	s.handle(Route{Method: "GET", Pattern: "/v1/orders/{id}/confirmation", Access: API, Scope: vigil.ScopeOrders,
		AltScope: vigil.ScopeOrdersSubmit, Tag: "orders",
		Summary: "An executed order's Annex VI confirmation: the exact signed JSON and its Ed25519 signature (base64). " +
			"With orders:submit, only for an order the same key filed",
		Response: confirmationResponse{Confirmation: []byte(`{"type":"annex_vi_confirmation","order_id":"ord_01JDQ3Z6V8X8N5W2K4T7R9M3Q1"}`),
			Signature: "3q2+7w..."},
		Handler: s.needOrders(s.apiConfirmation)})
	s.handle(Route{Method: "GET", Pattern: "/v1/orders/{id}/urls", Access: API, Scope: vigil.ScopeOrders, Tag: "orders",
		Summary: "A blocking order's URL list for the access provider, given the order's reference; served only from " +
			"the order's start to its end date",
		Query: []Param{{Name: "reference", Description: "the order's reference, as the authority issued it", Required: true}},
		Response: urlListResponse{OrderID: exampleOrder.ID, ListReference: "EUC-URL-2026-11", ListVersion: "2026-11-20.3",
			ValidUntil: "2027-11-27T00:00:00.000Z", URLs: []string{"https://bad.example/gallery/17"}},
		Handler: s.needOrders(s.apiURLList)})
	s.orderPageRoutes()
}

// needOrders answers 503 when the server was built without the order service.
func (s *Server) needOrders(h http.HandlerFunc) http.HandlerFunc {
	return whenServed(func() bool { return s.Orders != nil }, "authority orders are not served here", s.writeError, h)
}

func (s *Server) apiReceiveOrder(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get(IdempotencyKeyHeader)
	if len(key) > maxIdempotencyKey {
		s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, IdempotencyKeyHeader, "at most %d characters", maxIdempotencyKey))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, orders.MaxDocument+1))
	if err != nil {
		s.writeError(w, r, vigil.Errorf(vigil.EINVALID, "request body: %v", err))
		return
	}
	o, err := orders.Parse(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o.IdempotencyKey = key
	got, created, err := s.Orders.Receive(r.Context(), o)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeCreated(w, created, toOrderJSON(got, s.Clock.Now()))
}

func (s *Server) apiOrders(w http.ResponseWriter, r *http.Request) {
	f, err := orderFilterFrom(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, next, err := s.Orders.Orders(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.Clock.Now()
	out := ordersResponse{Items: make([]orderJSON, len(list)), NextCursor: next}
	for i, o := range list {
		out.Items[i] = toOrderJSON(o, now)
	}
	writeJSON(w, http.StatusOK, out)
}

// orderFilterFrom reads an order listing's query parameters.
func orderFilterFrom(r *http.Request) (vigil.OrderFilter, error) {
	q := r.URL.Query()
	var f vigil.OrderFilter
	if v := q.Get("kind"); v != "" {
		for k := range strings.SplitSeq(v, ",") {
			if !slices.Contains(vigil.OrderKinds, vigil.OrderKind(k)) {
				return f, vigil.FieldErrorf(vigil.EINVALID, "kind", "unknown kind %q", k)
			}
			f.Kinds = append(f.Kinds, vigil.OrderKind(k))
		}
	}
	if v := q.Get("status"); v != "" {
		for st := range strings.SplitSeq(v, ",") {
			if !knownOrderStatus(vigil.OrderStatus(st)) {
				return f, vigil.FieldErrorf(vigil.EINVALID, "status", "unknown status %q", st)
			}
			f.Status = append(f.Status, vigil.OrderStatus(st))
		}
	}
	var err error
	f.Cursor, f.Limit, err = pageQuery(r)
	return f, err
}

func knownOrderStatus(st vigil.OrderStatus) bool {
	return st.Open() || st == vigil.OrderExecuted || st == vigil.OrderExpired
}

func (s *Server) apiOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.Order(r.Context(), r.PathValue("id"))
	s.writeOrder(w, r, o, err)
}

func (s *Server) apiCannotExecute(w http.ResponseWriter, r *http.Request) {
	var req cannotExecuteRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.Orders.CannotExecute(r.Context(), r.PathValue("id"), req.Reason, req.Text)
	s.writeOrder(w, r, o, err)
}

func (s *Server) apiResume(w http.ResponseWriter, r *http.Request) {
	var req resumeRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.Orders.Resume(r.Context(), r.PathValue("id"), req.Text)
	s.writeOrder(w, r, o, err)
}

func (s *Server) apiExecute(w http.ResponseWriter, r *http.Request) {
	var req executeRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.Orders.Execute(r.Context(), r.PathValue("id"), req.Measure)
	s.writeOrder(w, r, o, err)
}

// writeOrder answers with o, or with err when there is one.
func (s *Server) writeOrder(w http.ResponseWriter, r *http.Request, o vigil.Order, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toOrderJSON(o, s.Clock.Now()))
}

func (s *Server) apiConfirmation(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.Order(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(o.Confirmation) == 0 {
		s.writeError(w, r, vigil.Errorf(vigil.ENOTFOUND, "order %s is %s: it has no Annex VI confirmation yet", o.ID, o.Status))
		return
	}
	writeJSON(w, http.StatusOK, confirmationResponse{Confirmation: o.Confirmation, Signature: o.ConfirmationSig})
}

func (s *Server) apiURLList(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.URLList(r.Context(), r.PathValue("id"), r.URL.Query().Get("reference"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := urlListResponse{OrderID: o.ID, ListReference: o.ListReference, ListVersion: o.ListVersion,
		ValidUntil: apiTime(o.End), URLs: make([]string, len(o.Items))}
	for i, it := range o.Items {
		out.URLs[i] = it.URL
	}
	writeJSON(w, http.StatusOK, out)
}
