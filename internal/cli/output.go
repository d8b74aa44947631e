package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"github.com/trailsql/trailsql/internal/query"
)

// writeFileAtomic writes path with write, whole or not at all: into a
// temporary file beside it, renamed over path only when write succeeded.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// textFormats are the formats of commands whose default is their own text
// form: text, then the query formats.
func textFormats() []string { return append([]string{"text"}, query.Formats...) }

// addTextFormatFlag adds --format to a command whose default is text.
func addTextFormatFlag(fl *pflag.FlagSet, format *string) {
	fl.StringVar(format, "format", "text", "output format: "+strings.Join(textFormats(), ", "))
}

// checkTextFormat is the usage error of a --format that textFormats does
// not hold.
func checkTextFormat(format string) error {
	if !slices.Contains(textFormats(), format) {
		return usagef("--format %q is not one of %s", format, strings.Join(textFormats(), ", "))
	}
	return nil
}

// writeTextOr writes to standard output with text in the text format, else
// the result of table in format (query.Write, every row).
func writeTextOr(f *Factory, format string, text func(io.Writer) error, table func() *query.Result) error {
	if format == "text" {
		return text(f.IO.Out)
	}
	return query.Write(f.IO.Out, table(), format, query.WriteOptions{Width: f.IO.TerminalWidth(), MaxRows: -1})
}
