package http

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil"
)

// usersPage is the data of the users page.
type usersPage struct {
	Users []vigil.User
	Roles []vigil.Role
	// DefaultCap and MaxCap bound the reveal cap form.
	DefaultCap, MaxCap int
}

// uiUsers lists the people who can sign in, with forms to add one, disable one and set a
// password.
func (s *Server) uiUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.Users.Users(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", page{Title: "Users", Nav: "users", Notice: doneMessage(r),
		Data: usersPage{Users: users, Roles: vigil.Roles, DefaultCap: vigil.DefaultRevealsPerHour, MaxCap: vigil.MaxRevealsPerHour}})
}

// uiCreateUser adds a user with the role and first password the admin chose.
func (s *Server) uiCreateUser(w http.ResponseWriter, r *http.Request) {
	_, err := s.Users.CreateUser(r.Context(), strings.TrimSpace(r.PostFormValue("name")),
		vigil.Role(r.PostFormValue("role")), r.PostFormValue("password"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/users?done=created")
}

// uiSetUserDisabled disables a user (ending their sign-ins) or enables them again.
func (s *Server) uiSetUserDisabled(w http.ResponseWriter, r *http.Request) {
	disabled := r.PostFormValue("disabled") == "true"
	if err := s.Users.SetDisabled(r.Context(), r.PathValue("id"), disabled); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/users?done=updated")
}

// uiSetPassword replaces a user's password.
func (s *Server) uiSetPassword(w http.ResponseWriter, r *http.Request) {
	if err := s.Users.SetPassword(r.Context(), r.PathValue("id"), r.PostFormValue("password")); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/users?done=updated")
}

// uiSetRevealCap sets how many times an hour the user may reveal matched media; an empty field
// means the server default.
func (s *Server) uiSetRevealCap(w http.ResponseWriter, r *http.Request) {
	perHour := 0
	if v := strings.TrimSpace(r.PostFormValue("reveals_per_hour")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.renderError(w, r, vigil.FieldErrorf(vigil.EINVALID, "reveals_per_hour", "must be a whole number"))
			return
		}
		perHour = n
	}
	if err := s.Users.SetRevealCap(r.Context(), r.PathValue("id"), perHour); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/users?done=updated")
}

// keysPage is the data of the API keys page.
type keysPage struct {
	Keys   []vigil.APIKey
	Scopes []vigil.Scope
	// Secret is the key just created: shown on this one response and never again.
	Secret  string
	Created vigil.APIKey
}

// uiKeys lists the API keys, with forms to create and revoke them.
func (s *Server) uiKeys(w http.ResponseWriter, r *http.Request) {
	s.renderKeys(w, r, keysPage{})
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, p keysPage) {
	keys, err := s.Users.Keys(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Keys, p.Scopes = keys, vigil.Scopes
	s.render(w, r, http.StatusOK, "keys", page{Title: "API keys", Nav: "keys", Notice: doneMessage(r), Data: p})
}

// uiCreateKey makes a key and shows its secret in the response itself: there is no redirect,
// so the secret never sits in a URL or the browser history, and reloading cannot show it again.
func (s *Server) uiCreateKey(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, vigil.Errorf(vigil.EINVALID, "form: %v", err))
		return
	}
	var scopes []vigil.Scope
	for _, sc := range r.PostForm["scope"] {
		scopes = append(scopes, vigil.Scope(sc))
	}
	secret, k, err := s.Users.CreateKey(r.Context(), strings.TrimSpace(r.PostFormValue("name")), scopes)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderKeys(w, r, keysPage{Secret: secret, Created: k})
}

// uiRevokeKey revokes a key at once.
func (s *Server) uiRevokeKey(w http.ResponseWriter, r *http.Request) {
	if err := s.Users.RevokeKey(r.Context(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/keys?done=revoked")
}
