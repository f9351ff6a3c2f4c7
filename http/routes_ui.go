package http

import (
	"net/http"

	"github.com/vigilproject/vigil"
)

// uiRoutes declares the web UI: server-rendered pages that sign in with the session cookie and
// post forms carrying the session's CSRF token. Each page calls the same services as the API,
// so the services' permission checks and audit events apply to the UI unchanged.
func (s *Server) uiRoutes() {
	page := func(method, pattern string, scope vigil.Scope, summary string, h http.HandlerFunc) {
		s.handle(Route{Method: method, Pattern: pattern, Access: Page, Scope: scope, Summary: summary, Tag: "ui", Handler: h})
	}
	s.handle(Route{Method: "GET", Pattern: "/static/", Access: Public, Tag: "ui",
		Summary: "Web UI assets: styles, script and htmx", Handler: uiAssets})
	s.handle(Route{Method: "GET", Pattern: "/login", Access: Public, Tag: "ui",
		Summary: "Sign-in page", Handler: s.uiLogin})

	page("GET", "/{$}", "", "Dashboard: verdicts, review backlog and throughput", s.uiDashboard)

	page("GET", "/queue", vigil.ScopeCases, "Review queue", s.uiQueue)
	s.handle(Route{Method: "GET", Pattern: "/cases/{id}", Access: Page, Scope: vigil.ScopeCases, Audit: true,
		Tag: "ui", Summary: "Case: why it matched, decision form, history", Handler: s.uiCase})
	page("GET", "/cases/{id}/media", vigil.ScopeCases, "Reveal a case's media (audited, capped per hour)", s.uiCaseMedia)
	page("POST", "/cases/{id}/claim", vigil.ScopeCases, "Claim a case", s.uiClaim)
	page("POST", "/cases/{id}/decide", vigil.ScopeCases, "Decide a case", s.uiDecide)
	page("POST", "/cases/{id}/comment", vigil.ScopeCases, "Comment on a case", s.uiComment)

	page("GET", "/banks", vigil.ScopeBanksRead, "Banks", s.uiBanks)
	page("POST", "/banks", vigil.ScopeBanksWrite, "Create a bank", s.uiCreateBank)
	page("GET", "/banks/{name}", vigil.ScopeBanksRead, "Bank: settings, import, entry search (audited)", s.uiBank)
	page("POST", "/banks/{name}/enabled", vigil.ScopeBanksWrite, "Enable or disable a bank", s.uiSetBankEnabled)

	page("GET", "/users", vigil.ScopeAdmin, "Users", s.uiUsers)
	page("POST", "/users", vigil.ScopeAdmin, "Create a user", s.uiCreateUser)
	page("POST", "/users/{id}/disabled", vigil.ScopeAdmin, "Disable or enable a user", s.uiSetUserDisabled)
	page("POST", "/users/{id}/password", vigil.ScopeAdmin, "Set a user's password", s.uiSetPassword)
	page("POST", "/users/{id}/reveal-cap", vigil.ScopeAdmin, "Set a user's media reveals per hour", s.uiSetRevealCap)
	page("GET", "/keys", vigil.ScopeAdmin, "API keys", s.uiKeys)
	page("POST", "/keys", vigil.ScopeAdmin, "Create an API key", s.uiCreateKey)
	page("POST", "/keys/{id}/revoke", vigil.ScopeAdmin, "Revoke an API key", s.uiRevokeKey)

	page("GET", "/services", vigil.ScopeAdmin, "Services: the policy settings of each, and what the gate decides today", s.uiServices)
	page("POST", "/services", vigil.ScopeAdmin, "Add a service", s.uiCreateService)
	page("POST", "/services/{name}", vigil.ScopeAdmin, "Change a service's type, jurisdiction or scanning switch", s.uiUpdateService)
	page("POST", "/services/{name}/delete", vigil.ScopeAdmin, "Delete a service", s.uiDeleteService)

	page("GET", "/webhooks", vigil.ScopeAdmin, "Webhooks", s.uiWebhooks)
	page("POST", "/webhooks", vigil.ScopeAdmin, "Register a webhook", s.uiCreateWebhook)
	page("GET", "/webhooks/{id}", vigil.ScopeAdmin, "Webhook and its deliveries", s.uiWebhook)
	page("POST", "/webhooks/{id}/enabled", vigil.ScopeAdmin, "Enable or disable a webhook", s.uiSetWebhookEnabled)
	page("POST", "/webhooks/{id}/delete", vigil.ScopeAdmin, "Delete a webhook", s.uiDeleteWebhook)
	page("POST", "/deliveries/{id}/retry", vigil.ScopeAdmin, "Retry a delivery", s.uiRetryDelivery)

	s.handle(Route{Method: "GET", Pattern: "/audit", Access: Page, Scope: vigil.ScopeAdmin, Audit: true,
		Tag: "ui", Summary: "Audit log viewer", Handler: s.uiAudit})
}

// uiAssets serves the embedded static files. They change only with the binary, so browsers may
// keep them for an hour.
func uiAssets(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.StripPrefix("/static/", http.FileServerFS(uiStatic)).ServeHTTP(w, r)
}
