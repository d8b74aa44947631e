package server

import (
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
)

// ContentSecurityPolicy is sent with every response: the console's
// scripts, styles and data come from the server itself, nothing is inline,
// and no other site may frame it.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// Names of the token's cookie and the CSRF header.
const (
	TokenCookie = "trailsql_token"
	CSRFHeader  = "X-Trailsql-CSRF"
)

// secure wraps h with the checks every request goes through, in order:
// the security headers, the Host check (on loopback), the bearer token
// (when there is one), and the CSRF check of requests that change
// something.
func (s *Server) secure(h http.Handler) http.Handler {
	h = s.recoverPanics(h)
	checked := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cross-Origin-Resource-Policy", "same-origin")
		if s.loopback && !loopbackHost(r.Host) {
			// DNS rebinding: a page of another site whose name now points
			// to 127.0.0.1 would otherwise read the API as same-origin.
			writeError(w, http.StatusMisdirectedRequest, "this server answers only requests for localhost, 127.0.0.1 or [::1]")
			return
		}
		bearer := false
		if s.cfg.Token != "" {
			ok := false
			ok, bearer = s.authorized(w, r)
			if !ok {
				return
			}
		}
		if !safeMethod(r.Method) && !bearer {
			if msg := s.csrfProblem(r); msg != "" {
				writeError(w, http.StatusForbidden, msg)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
	return s.accessLog(checked)
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController flush the response.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs each request: method, path (never the query string,
// which may hold the token), status and time.
func (s *Server) accessLog(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		s.cfg.Log.Info("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("elapsed", time.Since(start)))
	})
}

// recoverPanics answers a request whose handler panicked (a bug) with a
// generic 500, and logs the panic with its stack: the client never sees
// a stack trace or a file path.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Log.Error("BUG: handler panicked", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			writeError(w, http.StatusInternalServerError, "internal error (the server's log has the detail)")
		}()
		h.ServeHTTP(w, r)
	})
}

// authorized checks the bearer token of r: in the Authorization header,
// in the cookie, or (for the page itself) in ?token=, which sets the
// cookie and redirects to the same page without it. It answers r itself
// when the token is missing or wrong, or for the redirect. bearer says
// that the token came in the Authorization header: a request no browser
// sends on its own, so it needs no CSRF check.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) (ok, bearer bool) {
	if a := r.Header.Get("Authorization"); a != "" {
		t, found := strings.CutPrefix(a, "Bearer ")
		if found && s.tokenMatches(t) {
			return true, true
		}
		s.unauthorized(w, "the bearer token is wrong")
		return false, false
	}
	if t := r.URL.Query().Get("token"); t != "" && safeMethod(r.Method) && !strings.HasPrefix(r.URL.Path, "/api/") {
		if !s.tokenMatches(t) {
			s.unauthorized(w, "the token is wrong")
			return false, false
		}
		// Secure when the browser came over TLS: to this server, or to the
		// reverse proxy in front of it (which says so).
		secure := r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
		http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: s.cfg.Token, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: secure})
		q := r.URL.Query()
		q.Del("token")
		to := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		http.Redirect(w, r, to.String(), http.StatusSeeOther)
		return false, false
	}
	if c, err := r.Cookie(TokenCookie); err == nil && s.tokenMatches(c.Value) {
		return true, false
	}
	s.unauthorized(w, "this server needs a token: open /?token=TOKEN once in the browser, or send 'Authorization: Bearer TOKEN'")
	return false, false
}

func (s *Server) tokenMatches(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.cfg.Token)) == 1
}

func (s *Server) unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="trailsql"`)
	writeError(w, http.StatusUnauthorized, msg)
}

// csrfProblem says what is wrong with a request that changes something,
// or "": it must come from a page of this server (Origin, or Referer
// when a browser sends no Origin, naming the request's host) and carry
// the page's CSRF token.
func (s *Server) csrfProblem(r *http.Request) string {
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	if from == "" {
		return "cross-site request refused: no Origin or Referer header"
	}
	u, err := url.Parse(from)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) || u.Scheme != "http" && u.Scheme != "https" {
		return "cross-site request refused: the request does not come from this server's pages"
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(CSRFHeader)), []byte(s.csrf)) != 1 {
		return "cross-site request refused: the " + CSRFHeader + " header is missing or wrong (reload the page)"
	}
	return ""
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// loopbackHost reports whether the Host header names this machine by a
// loopback name or address.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
