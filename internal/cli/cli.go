// Package cli is trailsql's command line: one file per command, each an
// Options struct and a run function, all writing to injected streams.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/iostreams"
	"github.com/trailsql/trailsql/internal/query"
)

// ExitCode is the process exit status.
type ExitCode int

// Exit codes (DESIGN.md): 0 success, 1 the command failed, 2 bad usage.
const (
	ExitOK     ExitCode = 0
	ExitError  ExitCode = 1
	ExitUsage  ExitCode = 2
	ExitCancel ExitCode = 130
)

// Factory holds what commands need from the outside world.
type Factory struct {
	IO  *iostreams.IOStreams
	Now func() time.Time
	// Getenv reads the environment (os.Getenv outside tests).
	Getenv func(string) string
}

// UsageError marks an error in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// Main runs trailsql with the process's arguments and streams.
func Main() ExitCode {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := &Factory{IO: iostreams.System(), Now: time.Now, Getenv: os.Getenv}
	return Run(ctx, f, os.Args[1:])
}

// Run runs trailsql with args and maps the outcome to an exit code.
func Run(ctx context.Context, f *Factory, args []string) ExitCode {
	root := NewRootCmd(f)
	root.SetArgs(sqlArgs(args))
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(f.IO.ErrOut, "trailsql: "+err.Error())
	if ctx, ok := query.SyntaxContext(err); ok {
		// The query's line, and a caret under the error.
		fmt.Fprintln(f.IO.ErrOut, ctx)
	}
	var ue *UsageError
	switch {
	case errors.As(err, &ue), isCobraUsage(err), app.IsInput(err):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitCancel
	}
	return ExitError
}

// sqlArgs moves the arguments that are SQL starting with a comment
// ("-- who\nSELECT 1") after a "--", so that they are not taken for
// flags.
func sqlArgs(args []string) []string {
	var rest, sql []string
	for i, a := range args {
		if a == "--" {
			if len(sql) == 0 {
				return args
			}
			return append(append(append(rest, "--"), sql...), args[i+1:]...)
		}
		if isSQLComment(a) {
			sql = append(sql, a)
		} else {
			rest = append(rest, a)
		}
	}
	if len(sql) == 0 {
		return args
	}
	return append(append(rest, "--"), sql...)
}

// isSQLComment reports whether a starts with "--" and cannot be a flag:
// a flag's name (what precedes any "=") has no white space.
func isSQLComment(a string) bool {
	if !strings.HasPrefix(a, "--") || a == "--" {
		return false
	}
	name, _, _ := strings.Cut(a[2:], "=")
	return strings.ContainsAny(name, " \t\r\n")
}

func isCobraUsage(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}

type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }

// NewRootCmd builds the trailsql command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "trailsql",
		Short: "Answer questions about AWS CloudTrail logs with SQL",
		Long: `trailsql ingests AWS CloudTrail logs (local folders, files or S3) into a
Parquet lake that stays current by itself, and answers questions about them
in Athena's SQL dialect with an embedded DuckDB.

Start with:  trailsql demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &flagError{err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	root.Args = cobra.ArbitraryArgs
	var version bool
	root.Flags().BoolVar(&version, "version", false, "print the version, commit and DuckDB version")
	root.RunE = func(c *cobra.Command, args []string) error {
		if version {
			return runVersion(c.Context(), f)
		}
		if len(args) > 0 {
			return usagef("unknown command %q (see 'trailsql --help')", args[0])
		}
		return c.Help()
	}
	var cpuprofile string
	root.PersistentFlags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile to this file")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		if cpuprofile == "" {
			return nil
		}
		pf, err := os.Create(cpuprofile)
		if err != nil {
			return fmt.Errorf("cannot create profile: %w", err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fmt.Errorf("cannot start profile: %w", err)
		}
		c.PostRunE = func(*cobra.Command, []string) error {
			pprof.StopCPUProfile()
			return pf.Close()
		}
		return nil
	}
	for _, c := range commands(f) {
		root.AddCommand(c)
	}
	return root
}

// lakeDir returns the lake folder: the flag, else $TRAILSQL_LAKE, else
// ./trailsql-lake.
func lakeDir(f *Factory, flag string) string {
	if flag != "" {
		return flag
	}
	if v := f.Getenv("TRAILSQL_LAKE"); v != "" {
		return v
	}
	return "trailsql-lake"
}
