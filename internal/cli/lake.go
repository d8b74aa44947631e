package cli

import (
	"context"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailsql/trailsql/internal/app"
	"github.com/trailsql/trailsql/internal/query"
	"github.com/trailsql/trailsql/internal/source"
)

// S3Flags are the settings of the commands that reach S3.
type S3Flags struct {
	Profile     string
	EndpointURL string
	// Cache is the local copy of an s3:// lake (--lake s3://...).
	Cache string
}

// addFlags adds the flags of commands that read or write an s3:// lake.
func (s *S3Flags) addFlags(fl *pflag.FlagSet) {
	s.addConnFlags(fl)
	fl.StringVar(&s.Cache, "cache", "", "local copy of an s3:// lake (default $TRAILSQL_CACHE/<bucket>/<prefix>, else the user cache folder's trailsql/s3/<bucket>/<prefix>)")
}

// addConnFlags adds the flags that say how to reach S3.
func (s *S3Flags) addConnFlags(fl *pflag.FlagSet) {
	fl.StringVar(&s.Profile, "profile", "", "AWS shared-config profile (default: $AWS_PROFILE or the default chain)")
	fl.StringVar(&s.EndpointURL, "endpoint-url", "", "S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default $AWS_ENDPOINT_URL; implies path-style)")
}

// config returns the S3 configuration: flags first, then the environment
// (read through the Factory), then the SDK's standard chain.
func (s *S3Flags) config(f *Factory) source.S3Config {
	return source.S3Config{Profile: s.Profile, EndpointURL: s.EndpointURL, Getenv: f.Getenv}
}

// addLakeFlags adds --lake and the S3 flags of a command that reads a
// lake.
func addLakeFlags(fl *pflag.FlagSet, lake *string, s3f *S3Flags) {
	fl.StringVar(lake, "lake", "", "lake folder or s3://bucket/prefix (default $TRAILSQL_LAKE or ./trailsql-lake)")
	s3f.addFlags(fl)
}

// lakeOptions say how a command opens its lake.
type lakeOptions struct {
	// Write opens the lake for writing.
	Write bool
	// Query configures the engine.
	Query query.Options
	// Log receives the pull lines of a read-only s3:// lake.
	Log io.Writer
}

// openApp opens the lake named by the --lake flag (else $TRAILSQL_LAKE,
// else ./trailsql-lake). What the lake's copy took goes to standard error
// when it is a terminal, unless o.Log says otherwise.
func openApp(ctx context.Context, f *Factory, lakeFlag string, s3f *S3Flags, o lakeOptions) (*app.App, error) {
	if o.Log == nil && f.IO.IsStderrTTY() {
		o.Log = f.IO.ErrOut
	}
	if o.Query.Now == nil {
		o.Query.Now = f.Now
	}
	if o.Query.Conns == 0 {
		o.Query.Conns = 1
	}
	a, err := app.Open(ctx, app.Config{
		Lake:   lakeDir(f, lakeFlag),
		Write:  o.Write,
		Cache:  s3f.Cache,
		S3:     s3f.config(f),
		Query:  o.Query,
		Now:    f.Now,
		Getenv: f.Getenv,
		Log:    o.Log,
	})
	// An app.InputError exits with status 2, as a usage error (Run).
	return a, err
}
