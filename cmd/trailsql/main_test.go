package main

import (
	"flag"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trailsql/trailsql/internal/cli"
)

// TestMain lets the test binary act as trailsql, for testscript and for
// tests that start trailsql as a child process.
func TestMain(m *testing.M) {
	if os.Getenv("TRAILSQL_TEST_MAIN") == "1" {
		os.Exit(int(cli.Main()))
	}
	testscript.Main(m, map[string]func(){
		"trailsql": func() { os.Exit(int(cli.Main())) },
	})
}

// update rewrites the files that the transcripts compare output with
// (cmp stdout FILE) to what the commands print.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/script")

// TestScripts runs the command-line transcripts in testdata/script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("TRAILSQL_LAKE", env.WorkDir+"/lake")
			return nil
		},
	})
}
