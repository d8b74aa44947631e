package attrib

import (
	"fmt"
	"io"
	"strings"
)

// Write prints a as text: for each chain, its hops from the given
// credentials to the origin, then the origin or where the chain breaks.
func Write(w io.Writer, a *Answer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "whois %s\n", a.Query)
	if !a.First.IsZero() {
		fmt.Fprintf(&b, "(the lake holds events from %s to %s)\n", stamp(a.First), stamp(a.Last))
	}
	for i, c := range a.Chains {
		b.WriteString("\n")
		if len(a.Chains) > 1 {
			fmt.Fprintf(&b, "session %d of %d\n", i+1, len(a.Chains))
		}
		for j, h := range c.Hops {
			fmt.Fprintf(&b, "%d. %s  %s\n", j+1, h.Key, h.Principal)
			fmt.Fprintf(&b, "     issued %s by %s, recorded in account %s (%s), from %s\n", stamp(h.Time), h.Event, h.Account, h.Region, h.SourceIP)
			called := fmt.Sprintf("     called by %s %s", h.CallerType, h.Caller)
			if h.CallerKey != "" {
				called += " with key " + h.CallerKey
			}
			if h.CrossAccount {
				called += " (cross-account)"
			}
			b.WriteString(called + "\n")
		}
		if c.Origin != "" {
			fmt.Fprintf(&b, "origin: %s %s\n", c.OriginKind, c.Origin)
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
		if c.Break != "" {
			fmt.Fprintf(&b, "BREAK: %s\n", c.Break)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
