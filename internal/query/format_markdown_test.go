package query

import (
	"bytes"
	"strings"
	"testing"
)

// splitMarkdownRow reads the cells of one markdown table row back,
// undoing the escapes of writeMarkdownRow.
func splitMarkdownRow(t *testing.T, line string) []string {
	t.Helper()
	if !strings.HasPrefix(line, "| ") || !strings.HasSuffix(line, " |") {
		t.Fatalf("not a markdown row: %q", line)
	}
	var cells []string
	var cur strings.Builder
	body := line[2 : len(line)-2]
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == '\\' && i+1 < len(body):
			i++
			cur.WriteByte(body[i])
		case strings.HasPrefix(body[i:], " | "):
			cells = append(cells, cur.String())
			cur.Reset()
			i += 2
		default:
			cur.WriteByte(body[i])
		}
	}
	return append(cells, cur.String())
}

func TestWriteMarkdown(t *testing.T) {
	r := formatResult()
	r.Rows = append(r.Rows, append([]any{`a|b\c`}, r.Rows[0][1:]...))
	var b bytes.Buffer
	if err := Write(&b, r, "markdown", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(r.Rows)+2 {
		t.Fatalf("%d lines for %d rows:\n%s", len(lines), len(r.Rows), b.String())
	}
	if want := "|" + strings.Repeat(" --- |", len(r.Columns)); lines[1] != want {
		t.Errorf("separator %q, want %q", lines[1], want)
	}
	head := splitMarkdownRow(t, lines[0])
	for i, c := range r.Columns {
		if head[i] != c.Name {
			t.Errorf("header cell %d = %q, want %q", i, head[i], c.Name)
		}
	}
	for i, row := range r.Rows {
		cells := splitMarkdownRow(t, lines[i+2])
		if len(cells) != len(row) {
			t.Fatalf("row %d: %d cells, want %d: %q", i, len(cells), len(row), lines[i+2])
		}
		for j, v := range row {
			want, _ := text(v, r.Columns[j].Type)
			want = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(want)
			if cells[j] != want {
				t.Errorf("row %d cell %d = %q, want %q", i, j, cells[j], want)
			}
		}
	}
}
