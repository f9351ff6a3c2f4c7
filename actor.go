package vigil

import (
	"context"
	"slices"
)

// Role is what a person may do in the web UI and API.
type Role string

// The roles. An admin can do everything; a reviewer works cases; an auditor reads cases and the
// audit log but changes nothing; legal (the compliance officer) handles reports, authority
// orders, holds, evidence and complaints, and reads cases to do so.
const (
	RoleAdmin    Role = "admin"
	RoleReviewer Role = "reviewer"
	RoleAuditor  Role = "auditor"
	RoleLegal    Role = "legal"
)

// Roles lists every role, for validation and forms.
var Roles = []Role{RoleAdmin, RoleReviewer, RoleAuditor, RoleLegal}

// Scope is one permission of an API key.
type Scope string

// The API key scopes.
const (
	ScopeSubmit     Scope = "submit"      // send content for scanning and read its verdict
	ScopeMatch      Scope = "match"       // look signals up in the banks (rate limited)
	ScopeBanksRead  Scope = "banks:read"  // read banks and their entries (audited)
	ScopeBanksWrite Scope = "banks:write" // create, change and fill banks
	ScopeCases      Scope = "cases"       // list, claim and decide cases
	// ScopeReports edits, approves and sends reports to the EU Centre and NCMEC, places holds
	// and reads cases to do so.
	ScopeReports Scope = "reports"
	// ScopeOrders handles authority orders (removal, blocking, delisting) and voluntary
	// notifications for the provider's legal team: it receives and reads every order, records
	// Annex V notices, resumes and executes orders and serves blocking URL lists.
	ScopeOrders Scope = "orders"
	// ScopeOrdersSubmit is an authority's channel: it files orders and reads back only the
	// orders it filed itself, with their Annex VI confirmations. It is a scope apart so that the
	// key an authority sends orders with can neither see other authorities' orders nor act on
	// any order.
	ScopeOrdersSubmit Scope = "orders:submit"
	// ScopeEvidence reads the evidence vault's records, places legal holds and exports evidence
	// for law-enforcement requests (every export audited).
	ScopeEvidence Scope = "evidence"
	// ScopeComplaints files a user's complaint on the platform's behalf and reads its outcome.
	ScopeComplaints Scope = "complaints"
	ScopeAdmin      Scope = "admin" // users, keys, webhooks, audit log: implies every scope
)

// Scopes lists every scope, for validation and forms.
var Scopes = []Scope{ScopeSubmit, ScopeMatch, ScopeBanksRead, ScopeBanksWrite, ScopeCases,
	ScopeReports, ScopeOrders, ScopeOrdersSubmit, ScopeEvidence, ScopeComplaints, ScopeAdmin}

// roleScopes is what each role may do, in scope terms, so one check serves people and keys.
var roleScopes = map[Role][]Scope{
	RoleAdmin:    Scopes,
	RoleReviewer: {ScopeBanksRead, ScopeCases, ScopeMatch},
	RoleAuditor:  {ScopeBanksRead},
	RoleLegal:    {ScopeBanksRead, ScopeReports, ScopeOrders, ScopeOrdersSubmit, ScopeEvidence, ScopeComplaints},
}

// ActorKind says who an Actor is.
type ActorKind string

// The actor kinds.
const (
	ActorUser   ActorKind = "user"   // a person signed in to the web UI
	ActorKey    ActorKind = "key"    // a program holding an API key
	ActorSystem ActorKind = "system" // Vigil itself: workers, sweepers, the command line
	// ActorAnonymous has proved no identity, such as whoever made a failed sign-in: the audit
	// log records the attempt without crediting it to the user it named.
	ActorAnonymous ActorKind = "anonymous"
)

// Actor is whoever causes a change: it is recorded in the audit log and checked by services.
type Actor struct {
	Kind   ActorKind
	ID     string // user or key id; empty for the system
	Name   string // user name or key name, for people reading the audit log
	Role   Role   // for users
	Scopes []Scope
}

// System is the actor of work that no person or key asked for.
var System = Actor{Kind: ActorSystem, Name: "system", Scopes: Scopes}

// Can reports whether a may act within scope. The admin scope implies every other.
func (a Actor) Can(scope Scope) bool {
	return slices.Contains(a.Scopes, scope) || slices.Contains(a.Scopes, ScopeAdmin)
}

// CanAudit reports whether a may read the audit log and case history: admins and auditors.
func (a Actor) CanAudit() bool {
	return a.Can(ScopeAdmin) || a.Role == RoleAuditor
}

// ScopesOf returns the scopes a role grants.
func ScopesOf(r Role) []Scope { return roleScopes[r] }

type actorKey struct{}

// WithActor returns a context that carries a; services read it to check permissions and to
// record who did what.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, and System when there is none: code that runs
// outside a request (workers, the command line) acts as Vigil itself.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return System
}
