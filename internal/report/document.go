package report

import "io"

// WriteMarkdown writes run as a Markdown incident document.
func WriteMarkdown(w io.Writer, run *Run) error { return nil }

// WriteHTML writes run as an HTML incident document.
func WriteHTML(w io.Writer, run *Run) error { return nil }
