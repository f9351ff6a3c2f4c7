package http

import (
	"context"
	"crypto/subtle"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/vigilproject/vigil"
)

// SessionCookie is the name of the web UI's session cookie.
const SessionCookie = "vigil_session"

// CSRFHeader carries the session's CSRF token on requests made by scripts (htmx sends it on
// every request); forms send it in the field csrf_token.
const CSRFHeader = "X-CSRF-Token"

type sessionKey struct{}

type apiKeyKey struct{}

// authorize wraps a route's handler with its access check: it finds the actor behind the
// request's API key or session cookie, refuses anonymous or under-privileged requests, checks
// the CSRF token of cookie-authenticated writes, and puts the actor in the request's context.
func (s *Server) authorize(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Access == Public {
			rt.Handler(w, r)
			return
		}
		ctx, usedCookie, err := s.authenticate(r)
		if err == nil {
			err = checkAccess(rt, vigil.ActorFrom(ctx))
		}
		if err == nil && usedCookie && !safeMethod(r.Method) {
			err = checkCSRF(w, r, ctx)
		}
		if err != nil {
			if rt.Access == Page && vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
				http.Redirect(w, r, "/login?next="+r.URL.EscapedPath(), http.StatusSeeOther)
				return
			}
			s.writeError(w, r, err)
			return
		}
		rt.Handler(w, r.WithContext(ctx))
	})
}

// authenticate returns a context carrying the request's actor (and session, for cookies).
// Page routes accept only cookies, so a leaked API key cannot drive the UI.
func (s *Server) authenticate(r *http.Request) (ctx context.Context, usedCookie bool, err error) {
	ctx = r.Context()
	if auth := r.Header.Get("Authorization"); auth != "" {
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || secret == "" {
			return ctx, false, vigil.Errorf(vigil.EUNAUTHORIZED, "Authorization must be \"Bearer KEY\"")
		}
		actor, key, err := s.Users.KeyActor(ctx, secret)
		if err != nil {
			return ctx, false, err
		}
		ctx = context.WithValue(vigil.WithActor(ctx, actor), apiKeyKey{}, key)
		return ctx, false, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ctx, false, vigil.Errorf(vigil.EUNAUTHORIZED, "sign in or send an API key")
	}
	actor, sess, err := s.Users.SessionActor(ctx, c.Value)
	if err != nil {
		return ctx, true, err
	}
	ctx = context.WithValue(vigil.WithActor(ctx, actor), sessionKey{}, sess)
	return ctx, true, nil
}

// checkAccess reports whether actor may use rt.
func checkAccess(rt Route, actor vigil.Actor) error {
	if rt.Access == Page && actor.Kind != vigil.ActorUser {
		return vigil.Errorf(vigil.EUNAUTHORIZED, "sign in to use the web UI")
	}
	if rt.Audit && actor.CanAudit() {
		return nil
	}
	if rt.Scope == "" || actor.Can(rt.Scope) || rt.AltScope != "" && actor.Can(rt.AltScope) {
		return nil
	}
	if rt.AltScope != "" {
		return vigil.Errorf(vigil.EFORBIDDEN, "this needs the %s or %s permission", rt.Scope, rt.AltScope)
	}
	return vigil.Errorf(vigil.EFORBIDDEN, "this needs the %s permission", rt.Scope)
}

// maxFormBody bounds the URL-encoded form body that checkCSRF parses for the token field: the
// UI's forms are a few fields.
const maxFormBody = 64 << 10

// checkCSRF compares the request's CSRF token with its session's, in constant time. The token
// comes from the X-CSRF-Token header, or from the csrf_token field of a URL-encoded form body
// (bounded by maxFormBody). Other bodies, multipart uploads above all, must send the header:
// parsing them here would read up to 32 MB before the request is known to be legitimate.
func checkCSRF(w http.ResponseWriter, r *http.Request, ctx context.Context) error {
	sess, ok := sessionFrom(ctx)
	token := r.Header.Get(CSRFHeader)
	if token == "" && isURLEncodedForm(r) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		if err := r.ParseForm(); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return vigil.Errorf(vigil.ETOOLARGE, "form body over %d bytes", maxFormBody)
			}
			return vigil.Errorf(vigil.EINVALID, "form body: %v", err)
		}
		token = r.PostForm.Get("csrf_token")
	}
	if !ok || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
		return vigil.Errorf(vigil.EFORBIDDEN, "missing or wrong CSRF token: reload the page")
	}
	return nil
}

// isURLEncodedForm reports whether r's body is an application/x-www-form-urlencoded form.
func isURLEncodedForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// sessionFrom returns the session of a cookie-authenticated request.
func sessionFrom(ctx context.Context) (vigil.Session, bool) {
	s, ok := ctx.Value(sessionKey{}).(vigil.Session)
	return s, ok
}

// keyFrom returns the API key of a key-authenticated request.
func keyFrom(ctx context.Context) (vigil.APIKey, bool) {
	k, ok := ctx.Value(apiKeyKey{}).(vigil.APIKey)
	return k, ok
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
