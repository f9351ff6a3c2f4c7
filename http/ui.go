package http

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// uiFiles holds the web UI: page templates and the static assets (CSS, the UI's script and the
// vendored htmx), compiled into the binary so the server needs no files beside it.
//
//go:embed ui/templates/*.html ui/static/*
var uiFiles embed.FS

// uiStatic is the static asset tree served under /static/.
var uiStatic = staticTree()

func staticTree() fs.FS {
	sub, err := fs.Sub(uiFiles, "ui/static")
	if err != nil {
		panic(err) // the directory is embedded above, so only a broken build gets here
	}
	return sub
}

// uiPages maps a page name to its template: the shared layout plus the page's own file. Parsed
// once at start; a broken template fails every UI test.
var uiPages = parsePages("login", "dashboard", "queue", "case", "banks", "bank", "users", "keys",
	"services", "webhooks", "webhook", "audit", "error",
	"reports", "report", "report_settings", "complaints", "complaint", "holds", "notices",
	"orders", "order", "order_new", "evidence", "transparency", "risk", "risk_assessment")

func parsePages(names ...string) map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(uiFuncs).ParseFS(uiFiles, "ui/templates/layout.html"))
	pages := make(map[string]*template.Template, len(names))
	for _, name := range names {
		pages[name] = template.Must(template.Must(layout.Clone()).ParseFS(uiFiles, "ui/templates/"+name+".html"))
	}
	return pages
}

// uiFuncs are the helpers templates may call.
var uiFuncs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"join": func(s []string) string { return strings.Join(s, ", ") },
	"scopes": func(s []vigil.Scope) string {
		parts := make([]string, len(s))
		for i, sc := range s {
			parts[i] = string(sc)
		}
		return strings.Join(parts, ", ")
	},
}

// ago says, coarsely, how long ago something happened that long since, for people scanning a list.
func ago(since time.Duration) string {
	switch {
	case since < time.Minute:
		return "just now"
	case since < time.Hour:
		return plural(int(since/time.Minute), "minute") + " ago"
	case since < 48*time.Hour:
		return plural(int(since/time.Hour), "hour") + " ago"
	}
	return plural(int(since/(24*time.Hour)), "day") + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// page is what every template receives: the signed-in actor for the navigation, the session's
// CSRF token for forms, an optional notice, and the page's own data.
type page struct {
	Title  string
	Nav    string // which navigation entry is current
	Actor  vigil.Actor
	CSRF   string
	Notice string
	Data   any
	// Orders is the banner of authority orders near or past their deadline (RO-03); nil: none.
	Orders *orderBanner
}

// render writes page name with status. Pages are rendered to a buffer first so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Actor = vigil.ActorFrom(r.Context())
	p.Orders = s.orderBannerFor(r.Context())
	if sess, ok := sessionFrom(r.Context()); ok {
		p.CSRF = sess.CSRF
	}
	var buf bytes.Buffer
	if err := uiPages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.logger().Error("render page", "page", name, "request_id", requestID(r.Context()), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	pageHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageHeaders sets what every UI response carries: no caching (pages show case details), no
// framing, no referrer to other sites (same-origin keeps the Origin header that the sign-in form
// check reads), and a content security policy that allows only the UI's own files, so
// an injected script or a stray image URL in the data cannot run or leak anything.
func pageHeaders(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; object-src 'none'; "+
		"base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Message string
}

// renderError answers a UI request that failed with a page saying why, with the status the
// error's code maps to. Internal errors are logged and shown only with the request id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(vigil.ErrorCode(err))
	msg := vigil.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		s.logger().Error("page failed", "method", r.Method, "path", r.URL.Path,
			"request_id", requestID(r.Context()), "err", err)
		msg = "internal error (request " + requestID(r.Context()) + ")"
	}
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Data: errorPage{status, msg}})
}

// seeOther redirects after a successful form post, so reloading the page does not post again.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// doneMessages are the messages a redirect may ask the next page to show, by the key in its
// "done" parameter: the text is fixed here so that a crafted link cannot make the UI say
// anything else.
var doneMessages = map[string]string{
	"claimed":   "Case claimed: it is yours to review.",
	"decided":   "Decision recorded.",
	"commented": "Comment added.",
	"created":   "Created.",
	"updated":   "Saved.",
	"deleted":   "Deleted.",
	"revoked":   "Key revoked.",
	"retried":   "Delivery queued for another attempt.",
	"next":      "Decision recorded. This is the next case in the queue.",

	"report_edited":       "Record saved. Approvals given before the change were withdrawn.",
	"report_approved":     "Approval recorded.",
	"report_retracted":    "Retraction recorded.",
	"report_resent":       "Sent again: queued, or back to draft for its approvals.",
	"report_settings":     "Report settings saved.",
	"report_supplemented": "Supplement queued for the EU Centre.",

	"transparency_settings": "The provider's text in the transparency report saved.",
}

// doneMessage returns the message that r's "done" parameter names, if any: what the form
// that redirected to r did.
func doneMessage(r *http.Request) string { return doneMessages[r.URL.Query().Get("done")] }
