package app

import (
	"context"
	"database/sql"
	"fmt"
	"runtime/debug"

	"github.com/duckdb/duckdb-go/v2"
)

// Version says which trailsql this is.
type Version struct {
	// Version is the module version ("(devel)" for a build from a work
	// tree).
	Version string
	// Commit is the VCS revision the binary was built from, with
	// "+dirty" when the tree had changes ("unknown" when not recorded).
	Commit string
	// DuckDB is the version of the embedded DuckDB.
	DuckDB string
}

// String is the line 'trailsql --version' prints.
func (v Version) String() string {
	return fmt.Sprintf("trailsql %s (commit %s, DuckDB %s)", v.Version, v.Commit, v.DuckDB)
}

// BuildVersion returns the running binary's version and commit, from its
// build information, and asks the embedded DuckDB its version.
func BuildVersion(ctx context.Context) (Version, error) {
	v := Version{Version: "unknown", Commit: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		var dirty bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && v.Commit != "unknown" {
			v.Commit += "+dirty"
		}
	}
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return v, fmt.Errorf("cannot start DuckDB: %w", err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&v.DuckDB); err != nil {
		return v, fmt.Errorf("cannot ask DuckDB its version: %w", err)
	}
	return v, nil
}
