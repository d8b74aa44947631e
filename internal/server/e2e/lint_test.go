package e2e_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWebLint checks the console's files for what the server's
// Content-Security-Policy forbids or what would let a log record's text
// be read as markup or code: inline scripts and styles, style attributes,
// innerHTML and friends, eval and new Function, and files from elsewhere.
func TestWebLint(t *testing.T) {
	forbidden := []struct {
		re   *regexp.Regexp
		exts string
		why  string
	}{
		{regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), ".html", "an inline script"},
		{regexp.MustCompile(`<style`), ".html .js", "a <style> block"},
		{regexp.MustCompile(`\sstyle=`), ".html", "a style attribute"},
		{regexp.MustCompile(`\son[a-z]+=`), ".html", "an inline event handler"},
		{regexp.MustCompile(`setAttribute\(\s*['"](?:style|on[a-z]+)['"]`), ".js", "a style or handler attribute"},
		{regexp.MustCompile(`\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write`), ".js", "markup built from text"},
		{regexp.MustCompile(`\beval\(|new Function\(|set(?:Timeout|Interval)\(\s*['"]`), ".js", "code built from text"},
		{regexp.MustCompile(`(?:src|href)=["']?(?:https?:)?//|import\s[^;]*from\s+['"]https?:|url\(\s*['"]?(?:https?:)?//`), ".html .js .css", "a file from another site"},
	}
	dir := filepath.Join("..", "web")
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		ext := filepath.Ext(p)
		for i, line := range strings.Split(string(b), "\n") {
			for _, f := range forbidden {
				if strings.Contains(f.exts, ext) && f.re.MatchString(line) {
					t.Errorf("%s:%d: %s: %s", p, i+1, f.why, strings.TrimSpace(line))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("only %d files in %s", n, dir)
	}
}
