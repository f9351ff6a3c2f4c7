package http

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/vigilproject/vigil"
)

// orderPageRoutes declares the orders pages: the queue, the Annex IV form, and one order with
// its Annex V, resume and execute forms. On a server built without orders they answer with an
// error page.
func (s *Server) orderPageRoutes() {
	served := func() bool { return s.Orders != nil }
	page := func(method, pattern, summary string, h http.HandlerFunc) {
		s.handle(Route{Method: method, Pattern: pattern, Access: Page, Scope: vigil.ScopeOrders, Summary: summary,
			Tag: "ui", Handler: whenServed(served, "authority orders are not served here", s.renderError, h)})
	}
	page("GET", "/orders", "Authority orders and, apart, notifications for voluntary consideration", s.uiOrders)
	page("GET", "/orders/new", "Record an order received by other means (Annex IV form)", s.uiNewOrder)
	page("POST", "/orders", "Record an order", s.uiCreateOrder)
	page("GET", "/orders/{id}", "Order: document, clock, actions, Annex V notices, execution", s.uiOrder)
	page("POST", "/orders/{id}/cannot-execute", "Record an Annex V notice: the clock stops", s.uiCannotExecute)
	page("POST", "/orders/{id}/resume", "Restart a paused order's clock", s.uiResumeOrder)
	page("POST", "/orders/{id}/execute", "Record an order's execution", s.uiExecuteOrder)
}

// orderBanner is what the banner on every page says while an order is within 4 hours of its
// deadline or past it (RO-03).
type orderBanner struct {
	Message       string
	NextID        string
	NextReference string
}

// orderBannerFor returns the banner for the signed-in user of ctx, nil when there is nothing to
// say. Pages without a user (sign-in, errors before it) never show it: a context without an
// actor acts as the system, which may see every order. A failure to read is logged, not
// shown: the page itself must still render.
func (s *Server) orderBannerFor(ctx context.Context) *orderBanner {
	if s.Orders == nil || vigil.ActorFrom(ctx).Kind != vigil.ActorUser {
		return nil
	}
	a, err := s.Orders.Alert(ctx)
	if err != nil {
		s.logger().Error("order banner", "err", err)
		return nil
	}
	if a.DueSoon+a.Overdue == 0 {
		return nil
	}
	msg := ""
	if a.Overdue > 0 {
		msg = plural(a.Overdue, "authority order") + " past the 24-hour deadline. "
	}
	if a.DueSoon > 0 {
		msg += plural(a.DueSoon, "authority order") + " due within 4 hours. "
	}
	left := a.Next.Deadline.Sub(s.Clock.Now())
	if left > 0 {
		msg += "The next is due in " + roundedDuration(left) + "."
	} else {
		msg += "The oldest is overdue by " + roundedDuration(-left) + "."
	}
	return &orderBanner{Message: msg, NextID: a.Next.ID, NextReference: a.Next.Reference}
}

// roundedDuration writes d to the minute, e.g. "3h 12m".
func roundedDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

// timeLeft writes what is left on an order's clock, e.g. "3h 12m" or, past the deadline,
// "overdue by 0h 40m".
func timeLeft(left time.Duration) string {
	if left <= 0 {
		return "overdue by " + roundedDuration(-left)
	}
	return roundedDuration(left)
}

// ordersPage is the data of the orders page.
type ordersPage struct {
	Voluntary bool // the voluntary queue (RO-10) rather than the orders
	Orders    []orderRow
	Next      template.URL
}

// orderRow is one order of the list, with its clock as it stands.
type orderRow struct {
	vigil.Order
	Deadline time.Time
	Left     string // "" without a running clock
	Urgent   bool   // within 4 hours or overdue
}

func (s *Server) uiOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	voluntary := q.Get("queue") == "voluntary"
	f := vigil.OrderFilter{Cursor: q.Get("cursor")}
	if voluntary {
		f.Kinds = []vigil.OrderKind{vigil.OrderVoluntary}
	}
	list, next, err := s.Orders.Orders(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now := s.Clock.Now()
	p := ordersPage{Voluntary: voluntary}
	for _, o := range list {
		row := orderRow{Order: o, Deadline: o.DeadlineAt(now)}
		if left, ok := o.Remaining(now); ok {
			row.Urgent, row.Left = left <= vigil.OrderDueSoon, timeLeft(left)
		}
		p.Orders = append(p.Orders, row)
	}
	p.Next = nextPageURL("/orders", url.Values{"queue": {q.Get("queue")}}, next)
	s.render(w, r, http.StatusOK, "orders", page{Title: "Orders", Nav: "orders", Notice: doneMessage(r), Data: p})
}

// orderPage is the data of one order's page.
type orderPage struct {
	Order        vigil.Order
	Deadline     time.Time
	Left         string
	Silence      string // the non-disclosure period in days, e.g. "42 days"; "" without one
	Reasons      []vigil.PauseReason
	Measures     []vigil.OrderMeasure
	Confirmation string
}

func (s *Server) uiOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.Order(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now := s.Clock.Now()
	p := orderPage{Order: o, Deadline: o.DeadlineAt(now), Reasons: vigil.PauseReasons,
		Measures: measuresFor(o.Kind), Confirmation: string(o.Confirmation)}
	if o.NonDisclosure > 0 {
		p.Silence = plural(int(o.NonDisclosure/(24*time.Hour)), "day")
	}
	if left, ok := o.Remaining(now); ok {
		p.Left = timeLeft(left)
	}
	s.render(w, r, http.StatusOK, "order", page{Title: "Order " + o.Reference, Nav: "orders", Notice: doneMessage(r), Data: p})
}

// measuresFor lists the measures that execute an order of kind.
func measuresFor(kind vigil.OrderKind) []vigil.OrderMeasure {
	switch kind {
	case vigil.OrderDelisting:
		return []vigil.OrderMeasure{vigil.MeasureDelisted}
	case vigil.OrderBlocking:
		return nil
	}
	return []vigil.OrderMeasure{vigil.MeasureRemoved, vigil.MeasureDisabled}
}

func (s *Server) uiCannotExecute(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.CannotExecute(r.Context(), r.PathValue("id"), vigil.PauseReason(r.PostFormValue("reason")),
		r.PostFormValue("text"))
	s.afterOrderForm(w, r, o, err)
}

func (s *Server) uiResumeOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.Resume(r.Context(), r.PathValue("id"), r.PostFormValue("text"))
	s.afterOrderForm(w, r, o, err)
}

func (s *Server) uiExecuteOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.Orders.Execute(r.Context(), r.PathValue("id"), vigil.OrderMeasure(r.PostFormValue("measure")))
	s.afterOrderForm(w, r, o, err)
}

// afterOrderForm shows the order again after a form changed it, or the error.
func (s *Server) afterOrderForm(w http.ResponseWriter, r *http.Request, o vigil.Order, err error) {
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/orders/"+o.ID+"?done=updated")
}
