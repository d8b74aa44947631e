package sigma

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ParseFile reads the rules of one file (see Parse); Rule.File is path.
func ParseFile(path string) ([]*Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read rule file: %w", err)
	}
	return Parse(path, data)
}

// Load reads the rules of every path: a file is read whatever its name, a
// folder is walked (in lexical order) for *.yml and *.yaml files. A file
// that fails does not stop the others: Load returns the rules of the files
// that parsed and every error joined (errors.Join), one line each.
func Load(paths ...string) ([]*Rule, error) {
	var rules []*Rule
	var errs []error
	for _, root := range paths {
		fi, err := os.Stat(root)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot read rules: %w", err))
			continue
		}
		if !fi.IsDir() {
			rs, err := ParseFile(root)
			rules = append(rules, rs...)
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !IsRuleFile(path) {
				return nil
			}
			rs, err := ParseFile(path)
			rules = append(rules, rs...)
			if err != nil {
				errs = append(errs, err)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot walk rules folder: %w", err))
		}
	}
	return rules, errors.Join(errs...)
}

// LoadDir is Load of one folder.
func LoadDir(dir string) ([]*Rule, error) { return Load(dir) }

// IsRuleFile reports whether a file name ends in .yml or .yaml (in any
// case).
func IsRuleFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yml" || ext == ".yaml"
}

// Index maps each rule's ID and Name (when set) to the rule, for resolving
// the references of correlation rules. When two rules share an id or name
// the first wins.
func Index(rules []*Rule) map[string]*Rule {
	m := make(map[string]*Rule, 2*len(rules))
	for _, r := range rules {
		for _, k := range []string{r.ID, r.Name} {
			if _, dup := m[k]; k != "" && !dup {
				m[k] = r
			}
		}
	}
	return m
}
