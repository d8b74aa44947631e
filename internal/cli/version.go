package cli

import (
	"context"
	"fmt"

	"github.com/trailsql/trailsql/internal/app"
)

// runVersion prints 'trailsql --version': the version, the commit and the
// DuckDB version.
func runVersion(ctx context.Context, f *Factory) error {
	v, err := app.BuildVersion(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(f.IO.Out, v.String())
	return err
}
