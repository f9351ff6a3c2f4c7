package http

import (
	"net/http"
	"strings"
)

// loginPage is the data of the sign-in page.
type loginPage struct {
	Next  string
	Name  string
	Error string
}

// loginErrors are the messages the sign-in form's handler may ask the page to show, by key, so
// that a crafted link cannot make the page say anything else.
var loginErrors = map[string]string{
	"invalid":  "Wrong name or password.",
	"limited":  "Too many attempts: wait a minute and try again.",
	"expired":  "Your session ended: sign in again.",
	"disabled": "This account is disabled.",
}

// uiLogin shows the sign-in form; it posts to POST /login, which starts the session. A browser
// that is already signed in goes straight on.
func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, _, err := s.authenticate(r); err == nil {
		seeOther(w, r, next)
		return
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: loginPage{
		Next:  next,
		Name:  r.URL.Query().Get("name"),
		Error: loginErrors[r.URL.Query().Get("error")],
	}})
}

// safeNext returns next when it is a path on this server, and "/" otherwise, so a crafted sign-in
// link cannot send the user elsewhere after signing in. Backslashes and control characters are
// refused because browsers read "/\host" as "//host" and drop tabs and line breaks from URLs.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsFunc(next, unsafeInURL) {
		return "/"
	}
	return next
}

func unsafeInURL(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }
