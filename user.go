package vigil

import (
	"context"
	"time"
)

// User is a person who signs in to the web UI.
type User struct {
	ID       string
	Name     string // unique login name
	Role     Role
	Disabled bool
	Created  time.Time
	// RevealsPerHour caps how many times the user may reveal matched media in an hour, to limit
	// exposure (reviewer wellbeing); 0 means the server default.
	RevealsPerHour int
}

// APIKey is a credential for a program. Its secret is shown once at creation and stored hashed.
type APIKey struct {
	ID       string
	Name     string
	Scopes   []Scope
	Created  time.Time
	LastUsed time.Time
	Revoked  bool
	// MatchRate is the most match lookups per second the key may make; 0 means the server default.
	MatchRate float64
}

// Session is a signed-in browser.
type Session struct {
	ID      string // the cookie value's hash is stored, never the value
	UserID  string
	CSRF    string // the token forms and htmx requests must echo
	Expires time.Time
}

// UserService manages people, their sessions and API keys.
type UserService interface {
	CreateUser(ctx context.Context, name string, role Role, password string) (User, error)
	Users(ctx context.Context) ([]User, error)
	User(ctx context.Context, id string) (User, error)
	UserByName(ctx context.Context, name string) (User, error)
	SetPassword(ctx context.Context, userID, password string) error
	SetDisabled(ctx context.Context, userID string, disabled bool) error
	// SetRevealCap sets how many times per hour the user may reveal matched media (admin only),
	// from 0 (DefaultRevealsPerHour) to MaxRevealsPerHour.
	SetRevealCap(ctx context.Context, userID string, perHour int) error
	// Login checks a name and password and starts a session; the returned token is the cookie
	// value, shown only here. Successful and failed sign-ins are both audited; a failed one as
	// ActorAnonymous, naming the attempted user name but never the password.
	Login(ctx context.Context, name, password string) (token string, s Session, err error)
	Logout(ctx context.Context, token string) error
	// SessionActor and KeyActor return the actor behind a session cookie token or an API key
	// secret; an unknown, expired or revoked credential is EUNAUTHORIZED.
	SessionActor(ctx context.Context, token string) (Actor, Session, error)
	KeyActor(ctx context.Context, secret string) (Actor, APIKey, error)

	// CreateKey makes an API key; the returned secret is shown only here.
	CreateKey(ctx context.Context, name string, scopes []Scope) (secret string, k APIKey, err error)
	Keys(ctx context.Context) ([]APIKey, error)
	RevokeKey(ctx context.Context, id string) error
	// SetKeyMatchRate sets the key's match lookups per second; 0 means the server default.
	SetKeyMatchRate(ctx context.Context, id string, rate float64) error
}
