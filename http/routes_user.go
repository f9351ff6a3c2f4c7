package http

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"

	"github.com/vigilproject/vigil"
)

// userJSON is a user as the API shows it.
type userJSON struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Role           vigil.Role `json:"role"`
	Disabled       bool       `json:"disabled"`
	RevealsPerHour int        `json:"reveals_per_hour"`
	Created        string     `json:"created"`
}

// keyJSON is an API key as the API shows it: never its secret, except once at creation.
type keyJSON struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Scopes    []vigil.Scope `json:"scopes"`
	MatchRate float64       `json:"match_rate"`
	Created   string        `json:"created"`
	LastUsed  string        `json:"last_used,omitempty"`
	Revoked   bool          `json:"revoked"`
	Key       string        `json:"key,omitempty"`
}

func toUserJSON(u vigil.User) userJSON {
	return userJSON{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled, RevealsPerHour: u.RevealsPerHour,
		Created: apiTime(u.Created)}
}

func toKeyJSON(k vigil.APIKey) keyJSON {
	return keyJSON{ID: k.ID, Name: k.Name, Scopes: k.Scopes, MatchRate: k.MatchRate, Created: apiTime(k.Created),
		LastUsed: apiTime(k.LastUsed), Revoked: k.Revoked}
}

// Examples for the OpenAPI document.
var (
	exampleUser = userJSON{ID: "usr_01JDQ3Z6V8X8N5W2K4T7R9M3P1", Name: "alice", Role: vigil.RoleReviewer,
		Created: "2026-11-27T12:00:00.000Z"}
	exampleKey = keyJSON{ID: "key_01JDQ3Z6V8X8N5W2K4T7R9M3P2", Name: "uploader", Scopes: []vigil.Scope{vigil.ScopeSubmit},
		Created: "2026-11-27T12:00:00.000Z", LastUsed: "2026-11-27T12:05:00.000Z"}
)

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

type loginResponse struct {
	User      userJSON `json:"user"`
	CSRFToken string   `json:"csrf_token"`
	Expires   string   `json:"expires"`
}

type meResponse struct {
	Kind      vigil.ActorKind `json:"kind"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Role      vigil.Role      `json:"role,omitempty"`
	Scopes    []vigil.Scope   `json:"scopes"`
	CSRFToken string          `json:"csrf_token,omitempty"`
}

type createUserRequest struct {
	Name     string     `json:"name"`
	Role     vigil.Role `json:"role"`
	Password string     `json:"password"`
}

type passwordRequest struct {
	Password string `json:"password"`
}

type revealCapRequest struct {
	RevealsPerHour int `json:"reveals_per_hour"`
}

type createKeyRequest struct {
	Name      string        `json:"name"`
	Scopes    []vigil.Scope `json:"scopes"`
	MatchRate float64       `json:"match_rate,omitempty"`
}

type updateKeyRequest struct {
	MatchRate float64 `json:"match_rate"`
}

type usersResponse struct {
	Items []userJSON `json:"items"`
}

type keysResponse struct {
	Items []keyJSON `json:"items"`
}

// userRoutes declares sign-in and the users and keys admin API.
func (s *Server) userRoutes() {
	s.handle(Route{Method: "POST", Pattern: "/v1/login", Access: Public, Tag: "auth",
		Summary:  "Sign in with name and password: sets the session cookie and returns the CSRF token",
		Request:  loginRequest{Name: "alice", Password: "correct horse battery"},
		Response: loginResponse{User: exampleUser, CSRFToken: "q0T4...", Expires: "2026-11-28T00:00:00.000Z"},
		Handler:  s.apiLogin})
	s.handle(Route{Method: "POST", Pattern: "/login", Access: Public, Tag: "auth",
		Summary: "Sign-in form of the web UI (name, password, next): sets the session cookie and redirects",
		Handler: s.formLogin})
	s.handle(Route{Method: "POST", Pattern: "/v1/logout", Access: API, Tag: "auth",
		Summary: "End the current session", Handler: s.apiLogout})
	s.handle(Route{Method: "POST", Pattern: "/logout", Access: Page, Tag: "auth",
		Summary: "Sign-out form of the web UI: ends the session and redirects to the sign-in page",
		Handler: s.formLogout})
	s.handle(Route{Method: "GET", Pattern: "/v1/me", Access: API, Tag: "auth",
		Summary:  "Who the request acts as, its permissions and, for a session, its CSRF token",
		Response: meResponse{Kind: vigil.ActorUser, ID: exampleUser.ID, Name: "alice", Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)},
		Handler:  s.apiMe})

	s.handle(Route{Method: "GET", Pattern: "/v1/users", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "List users", Response: usersResponse{Items: []userJSON{exampleUser}}, Handler: s.apiUsers})
	s.handle(Route{Method: "POST", Pattern: "/v1/users", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Create a user", Request: createUserRequest{Name: "alice", Role: vigil.RoleReviewer, Password: "correct horse battery"},
		Response: exampleUser, Handler: s.apiCreateUser})
	s.handle(Route{Method: "GET", Pattern: "/v1/users/{id}", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Get a user", Response: exampleUser, Handler: s.apiUser})
	s.handle(Route{Method: "PUT", Pattern: "/v1/users/{id}/password", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Set a user's password; ends their sessions", Request: passwordRequest{Password: "another long password"},
		Handler: s.apiSetPassword})
	capped := exampleUser
	capped.RevealsPerHour = 30
	s.handle(Route{Method: "PUT", Pattern: "/v1/users/{id}/reveal-cap", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: fmt.Sprintf("Set how many times an hour the user may reveal matched media (0: the server default, %d; at most %d)",
			vigil.DefaultRevealsPerHour, vigil.MaxRevealsPerHour),
		Request: revealCapRequest{RevealsPerHour: 30}, Response: capped, Handler: s.apiSetRevealCap})
	s.handle(Route{Method: "POST", Pattern: "/v1/users/{id}/disable", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Disable a user; ends their sessions", Response: exampleUser, Handler: s.apiSetDisabled(true)})
	s.handle(Route{Method: "POST", Pattern: "/v1/users/{id}/enable", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Enable a disabled user", Response: exampleUser, Handler: s.apiSetDisabled(false)})

	created := exampleKey
	created.Key = "vgl_Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE"
	s.handle(Route{Method: "GET", Pattern: "/v1/keys", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "List API keys (never their secrets)", Response: keysResponse{Items: []keyJSON{exampleKey}}, Handler: s.apiKeys})
	s.handle(Route{Method: "POST", Pattern: "/v1/keys", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Create an API key: the response's key is shown only this once",
		Request: createKeyRequest{Name: "uploader", Scopes: []vigil.Scope{vigil.ScopeSubmit}}, Response: created,
		Handler: s.apiCreateKey})
	s.handle(Route{Method: "PATCH", Pattern: "/v1/keys/{id}", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Set a key's match lookups per second (0: the server default)", Request: updateKeyRequest{MatchRate: 5},
		Response: exampleKey, Handler: s.apiUpdateKey})
	s.handle(Route{Method: "DELETE", Pattern: "/v1/keys/{id}", Access: API, Scope: vigil.ScopeAdmin, Tag: "users",
		Summary: "Revoke an API key", Handler: s.apiRevokeKey})
}

// login checks the sign-in rate limits, then the name and password, and sets the session
// cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request, name, password string) (vigil.Session, error) {
	if err := s.allowLogin(w, r, name); err != nil {
		s.logRefusedLogin(r, name, err)
		return vigil.Session{}, err
	}
	token, sess, err := s.Users.Login(r.Context(), name, password)
	if err != nil {
		s.logRefusedLogin(r, name, err)
		return sess, err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteStrictMode})
	return sess, nil
}

// logRefusedLogin logs a refused sign-in at debug level only: the audit log already records
// each refused attempt by user name, and the client's address is personal data that an
// operator sees only when debugging.
func (s *Server) logRefusedLogin(r *http.Request, name string, err error) {
	s.logger().Debug("sign-in refused", "user", name, "addr", r.RemoteAddr,
		"request_id", requestID(r.Context()), "err", err)
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	if err := checkLoginRequest(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sess, err := s.login(w, r, req.Name, req.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	user, err := s.Users.User(r.Context(), sess.UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{User: toUserJSON(user), CSRFToken: sess.CSRF, Expires: apiTime(sess.Expires)})
}

// checkLoginRequest refuses a JSON sign-in that a page of another site could have sent (login
// CSRF: signing the victim in to the attacker's account, to see what they then do). A
// cross-site form or a no-cors fetch can only send text/plain, form or multipart bodies, so the
// body must be declared application/json, which only a same-origin script or a non-browser
// client can send; a browser's Origin, when sent, must be this server's too.
func checkLoginRequest(r *http.Request) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return vigil.Errorf(vigil.EINVALID, "send the sign-in as Content-Type application/json")
	}
	if !sameOrigin(r) {
		return vigil.Errorf(vigil.EFORBIDDEN, "sign-in posted from another site")
	}
	return nil
}

// formLogin is the web UI's sign-in: success goes on to the form's next page, failure back to
// the sign-in page with an error key it knows how to show.
func (s *Server) formLogin(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.writeError(w, r, vigil.Errorf(vigil.EFORBIDDEN, "sign-in form posted from another site"))
		return
	}
	name, next := r.PostFormValue("name"), safeNext(r.PostFormValue("next"))
	_, err := s.login(w, r, name, r.PostFormValue("password"))
	if err != nil {
		reason := "invalid"
		switch vigil.ErrorCode(err) {
		case vigil.ERATELIMITED:
			reason = "limited"
		case vigil.EUNAUTHORIZED:
		default:
			s.writeError(w, r, err)
			return
		}
		q := url.Values{"error": {reason}, "name": {name}, "next": {next}}
		http.Redirect(w, r, "/login?"+q.Encode(), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// sameOrigin refuses cross-site form posts to the sign-in form (login CSRF: signing the victim in
// to the attacker's account). Browsers send Origin on POST; requests without one are not from a
// browser form and pass.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// logout ends the request's session, if it came with one, and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.Users.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteStrictMode})
	return nil
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.logout(w, r); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) formLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.logout(w, r); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	a := vigil.ActorFrom(r.Context())
	me := meResponse{Kind: a.Kind, ID: a.ID, Name: a.Name, Role: a.Role, Scopes: a.Scopes}
	if sess, ok := sessionFrom(r.Context()); ok {
		me.CSRFToken = sess.CSRF
	}
	writeJSON(w, http.StatusOK, me)
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.Users.Users(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := usersResponse{Items: make([]userJSON, 0, len(users))}
	for _, u := range users {
		out.Items = append(out.Items, toUserJSON(u))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.Users.User(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserJSON(u))
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) {
	var req createUserRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.Users.CreateUser(r.Context(), req.Name, req.Role, req.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toUserJSON(u))
}

func (s *Server) apiSetPassword(w http.ResponseWriter, r *http.Request) {
	var req passwordRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Users.SetPassword(r.Context(), r.PathValue("id"), req.Password); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiSetRevealCap(w http.ResponseWriter, r *http.Request) {
	var req revealCapRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Users.SetRevealCap(r.Context(), r.PathValue("id"), req.RevealsPerHour); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.apiUser(w, r)
}

func (s *Server) apiSetDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if err := s.Users.SetDisabled(r.Context(), id, disabled); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.apiUser(w, r)
	}
}

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.Users.Keys(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := keysResponse{Items: make([]keyJSON, 0, len(keys))}
	for _, k := range keys {
		out.Items = append(out.Items, toKeyJSON(k))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateKey(w http.ResponseWriter, r *http.Request) {
	var req createKeyRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	secret, k, err := s.Users.CreateKey(r.Context(), req.Name, req.Scopes)
	if err == nil && req.MatchRate != 0 {
		err = s.Users.SetKeyMatchRate(r.Context(), k.ID, req.MatchRate)
		k.MatchRate = req.MatchRate
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := toKeyJSON(k)
	out.Key = secret
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiUpdateKey(w http.ResponseWriter, r *http.Request) {
	var req updateKeyRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := s.Users.SetKeyMatchRate(r.Context(), id, req.MatchRate); err != nil {
		s.writeError(w, r, err)
		return
	}
	keys, err := s.Users.Keys(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, k := range keys {
		if k.ID == id {
			writeJSON(w, http.StatusOK, toKeyJSON(k))
			return
		}
	}
	s.writeError(w, r, vigil.Errorf(vigil.ENOTFOUND, "no API key with id %q", id))
}

func (s *Server) apiRevokeKey(w http.ResponseWriter, r *http.Request) {
	if err := s.Users.RevokeKey(r.Context(), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
