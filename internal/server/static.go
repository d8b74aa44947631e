package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// web holds the console's files. index.html is a template: its
// {{.CSRF}} is the server's CSRF token.
//
//go:embed web
var web embed.FS

// contentTypes are the types of the console's files, set here rather than
// taken from the system's MIME tables, which differ between machines.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
	".map":   "application/json",
}

func loadIndex() (*template.Template, error) {
	t, err := template.ParseFS(web, "web/index.html")
	if err != nil {
		return nil, fmt.Errorf("cannot load web/index.html: %w", err)
	}
	return t, nil
}

// serveIndex answers / (and every path of the console that is not a
// file, so that a view's URL can be reloaded) with index.html, the CSRF
// token filled in.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	if err := s.index.Execute(&b, struct{ CSRF string }{s.csrf}); err != nil {
		s.fail(w, r, fmt.Errorf("cannot render index.html: %w", err))
		return
	}
	w.Header().Set("Content-Type", contentTypes[".html"])
	w.Header().Set("Cache-Control", "no-store") // it carries the CSRF token
	w.Write(b.Bytes())
}

// serveStatic answers GET /{path...} with the embedded file, or with
// index.html for a path without an extension, or 404. Paths are those of
// an embed.FS: fs.ValidPath refuses "..", empty and rooted elements, so
// nothing outside web/ can be named.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" || name == "index.html" {
		s.serveIndex(w, r)
		return
	}
	if !fs.ValidPath(name) || strings.Contains(name, "\\") || path.Clean(name) != name {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	b, err := fs.ReadFile(web, "web/"+name)
	if err != nil {
		if path.Ext(name) == "" && !strings.HasPrefix(name, "api/") {
			s.serveIndex(w, r)
			return
		}
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	ct, ok := contentTypes[path.Ext(name)]
	if !ok {
		if ct = mime.TypeByExtension(path.Ext(name)); ct == "" {
			ct = "application/octet-stream"
		}
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("Content-Type", ct)
	// The files' names do not change with their content: the browser
	// asks again each time and gets 304 when it has them.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(b)
}
