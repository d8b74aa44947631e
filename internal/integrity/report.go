package integrity

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is the outcome of Verify: counts and findings per account and
// region.
type Report struct {
	Since time.Time `json:"since,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// OK is true when something was verified and nothing failed.
	OK bool `json:"ok"`
	// Problems counts the failing findings.
	Problems int      `json:"problems"`
	Groups   []*Group `json:"groups"`
}

// Group is what was found for one account in one region.
type Group struct {
	Org     string `json:"org,omitempty"`
	Account string `json:"account"`
	Region  string `json:"region"`
	Counts
	Findings []Finding `json:"findings"`
}

// Counts are the verdicts on digests, log files and chains.
type Counts struct {
	Logs    LogCounts    `json:"logFiles"`
	Digests DigestCounts `json:"digests"`
	Chain   ChainCounts  `json:"chain"`
}

// LogCounts count log files by verdict. Valid log files hash to what the
// digest naming them says (that digest's own verdict is counted in
// DigestCounts). Pending log files are newer than the newest digest (less
// its delivery window): not yet digested, not a failure.
type LogCounts struct {
	Valid     int `json:"valid"`
	Modified  int `json:"modified"`
	Deleted   int `json:"deleted"`
	Uncovered int `json:"uncovered"`
	Pending   int `json:"pending"`
}

// DigestCounts count digest files by verdict. Unsigned digests could not be
// checked (no signature or no public key).
type DigestCounts struct {
	Valid    int `json:"valid"`
	Invalid  int `json:"invalid"`
	Missing  int `json:"missing"`
	Unsigned int `json:"unsigned"`
}

// ChainCounts count breaks in the digest chains and restarts of them.
type ChainCounts struct {
	Gaps     int `json:"gaps"`
	Restarts int `json:"restarts"`
}

func (c *Counts) add(o Counts) {
	c.Logs.Valid += o.Logs.Valid
	c.Logs.Modified += o.Logs.Modified
	c.Logs.Deleted += o.Logs.Deleted
	c.Logs.Uncovered += o.Logs.Uncovered
	c.Logs.Pending += o.Logs.Pending
	c.Digests.Valid += o.Digests.Valid
	c.Digests.Invalid += o.Digests.Invalid
	c.Digests.Missing += o.Digests.Missing
	c.Digests.Unsigned += o.Digests.Unsigned
	c.Chain.Gaps += o.Chain.Gaps
	c.Chain.Restarts += o.Chain.Restarts
}

// Kind is the kind of a finding.
type Kind string

// The kinds of finding. All but KindChainRestart are failures.
const (
	KindLogModified    Kind = "log-modified"
	KindLogDeleted     Kind = "log-deleted"
	KindLogUncovered   Kind = "log-uncovered"
	KindDigestInvalid  Kind = "digest-invalid"
	KindDigestMissing  Kind = "digest-missing"
	KindDigestUnsigned Kind = "digest-unsigned"
	KindChainGap       Kind = "chain-gap"
	KindChainRestart   Kind = "chain-restart"
	// KindNoDigests is said once per account and region that has log
	// files in range but no digest files at all; its Key is the folder
	// of those log files.
	KindNoDigests Kind = "no-digests"
)

// Fails reports whether findings of kind k fail the verification.
func (k Kind) Fails() bool { return k != KindChainRestart }

// Finding is one problem (or, for a restart, one notice) about one object.
type Finding struct {
	Kind Kind `json:"kind"`
	// Key is the object the finding is about.
	Key string `json:"key"`
	// Digest is the digest that names Key, for log files and missing
	// digests.
	Digest string `json:"digest,omitempty"`
	// Detail says what is wrong, without the key.
	Detail string `json:"detail"`
	// Err wraps one of the package's errors, for errors.Is, IsTampered and
	// IsUnverifiable.
	Err error `json:"-"`
}

// Total adds up the counts of all groups.
func (r *Report) Total() Counts {
	var c Counts
	for _, g := range r.Groups {
		c.add(g.Counts)
	}
	return c
}

// finish sorts the report and sets OK and Problems.
func (r *Report) finish() {
	slices.SortFunc(r.Groups, func(a, b *Group) int {
		return cmp.Or(cmp.Compare(a.Org, b.Org), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	r.Problems = 0
	for _, g := range r.Groups {
		slices.SortStableFunc(g.Findings, func(a, b Finding) int {
			return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Kind, b.Kind))
		})
		if g.Findings == nil {
			g.Findings = []Finding{}
		}
		for _, f := range g.Findings {
			if f.Kind.Fails() {
				r.Problems++
			}
		}
	}
	if r.Groups == nil {
		r.Groups = []*Group{}
	}
	r.OK = r.Problems == 0 && len(r.Groups) > 0
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	return nil
}

// WriteText writes the report for people: per account and region the
// counts, then one line per finding naming its key, then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i, g := range r.Groups {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		if g.Org != "" {
			fmt.Fprintf(bw, "org %s ", g.Org)
		}
		fmt.Fprintf(bw, "account %s region %s\n", g.Account, g.Region)
		fmt.Fprintf(bw, "  log files  %d valid, %d modified, %d deleted, %d uncovered, %d pending\n",
			g.Logs.Valid, g.Logs.Modified, g.Logs.Deleted, g.Logs.Uncovered, g.Logs.Pending)
		fmt.Fprintf(bw, "  digests    %d valid, %d invalid, %d missing, %d unsigned\n",
			g.Digests.Valid, g.Digests.Invalid, g.Digests.Missing, g.Digests.Unsigned)
		fmt.Fprintf(bw, "  chain      %d gaps, %d restarts\n", g.Chain.Gaps, g.Chain.Restarts)
		for _, f := range g.Findings {
			mark := "FAIL"
			if !f.Kind.Fails() {
				mark = "NOTE"
			}
			fmt.Fprintf(bw, "  %s %-15s %s: %s\n", mark, f.Kind, f.Key, f.Detail)
		}
	}
	if len(r.Groups) > 0 {
		fmt.Fprintln(bw)
	}
	t := r.Total()
	switch {
	case len(r.Groups) == 0:
		fmt.Fprintln(bw, "nothing verified: no digest or log files found")
	case r.OK:
		fmt.Fprintf(bw, "OK: %d digests and %d log files verified in %d account-regions\n",
			t.Digests.Valid, t.Logs.Valid, len(r.Groups))
	default:
		fmt.Fprintf(bw, "FAILED: %d problems; %d of %d digests and %d of %d log files verified\n",
			r.Problems,
			t.Digests.Valid, t.Digests.Valid+t.Digests.Invalid+t.Digests.Missing+t.Digests.Unsigned,
			t.Logs.Valid, t.Logs.Valid+t.Logs.Modified+t.Logs.Deleted+t.Logs.Uncovered)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	return nil
}
