package pack

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"github.com/trailsql/trailsql/internal/sigma"
)

//go:embed rules/*.yml
var files embed.FS

// FS returns the rule files of the pack, <name>.yml at its root.
func FS() fs.FS {
	sub, err := fs.Sub(files, "rules")
	if err != nil {
		panic("BUG: pack: " + err.Error())
	}
	return sub
}

// Rules parses every rule of the pack, in file name order. Rule.File is
// "pack/<name>.yml".
func Rules() ([]*sigma.Rule, error) {
	fsys := FS()
	names, err := fs.Glob(fsys, "*.yml")
	if err != nil {
		return nil, fmt.Errorf("cannot list the built-in rules: %w", err)
	}
	var out []*sigma.Rule
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("cannot read built-in rule %s: %w", n, err)
		}
		rs, err := sigma.Parse(path.Join("pack", n), data)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}
