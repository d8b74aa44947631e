package query

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/trailsql/trailsql/internal/needle"
)

// Top-N pruning: a SELECT that reads one lake table on its own and wants
// its first rows by event time,
//
//	SELECT <columns> FROM cloudtrail [alias] [WHERE ...]
//	ORDER BY eventtime [ASC|DESC] [, ...] LIMIT n [OFFSET m]
//
// needs only the files whose eventtime range (kept in each file's sidecar,
// see needle.Summary) reaches the (n+m)th row's eventtime, the bound. The
// same goes for eventtimestamp, the parsed time, which
// from_iso8601_timestamp(eventtime) is translated to. With
// no WHERE clause, or one that only names partitions, the summaries give a
// bound at once (the files with the newest ranges hold n rows). Otherwise
// pruning runs the query's own WHERE clause and ORDER BY over the files
// with the newest ranges (a few at first, four times more each round) for
// the bound, and gives up when that would read half the rows. Either way
// the query then reads the files whose range reaches the bound: every row
// that can be among the first n is in them, ties at the bound included,
// so the answer is that of the whole table.
//
// The select list must be plain columns (no aggregate can hide in it),
// the first sort key eventtime with NULLs last (SQL's default; NULLs
// cannot then be among the first n when n rows have a time), and a
// file without a summary is always read.
//
// A SELECT with LIMIT and no ORDER BY reads only as many files as hold
// n+m rows, when its WHERE clause (if any) names partitions only: any n
// rows are its answer.

// maxTopN is the largest LIMIT that top-N pruning serves; a larger one is
// not a question about the newest events.
const maxTopN = 100_000

// topSpec is the ORDER BY and LIMIT of a SELECT that reads one lake table.
type topSpec struct {
	n     int64  // LIMIT + OFFSET
	order bool   // ORDER BY eventtime comes first; false: LIMIT alone
	desc  bool   // the order is descending
	key   string // the first sort key's column: eventtime or eventtimestamp
	stamp bool   // the key is eventtimestamp (else eventtime)
	name  string // what the table is called in the query: its alias or its name, quoted
	where string // the WHERE clause's condition, as written ("": none)
	exact bool   // every row of every candidate file satisfies the WHERE clause (if any)
	param bool   // the WHERE clause has a parameter
	// source is the query over some files that the probes read the key
	// from (nil: sourceSQL).
	source func([]dataFile) string
}

func isName(t token) bool { return t.kind == tokIdent || t.kind == tokQIdent }

// prober runs a query that returns one row: a count and a VARCHAR.
type prober func(ctx context.Context, query string) (n int64, v sql.NullString, err error)

// summaries caches the sidecar summaries of a lake's files (they do not
// change: a data file is written once).
type summaries struct {
	mu sync.Mutex
	m  map[string]fileSummary
}

type fileSummary struct {
	s   needle.Summary
	has bool // the file has a summary
	ok  bool // ... that bounds its times
}

func (c *summaries) get(f dataFile) fileSummary {
	c.mu.Lock()
	fs, hit := c.m[f.path]
	c.mu.Unlock()
	if hit {
		return fs
	}
	if sc, done := openSidecar(f); sc != nil {
		fs.s, fs.has = sc.Summary()
		fs.ok = fs.has && (fs.s.Ranged || fs.s.Timed == 0)
		done()
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]fileSummary{}
	}
	c.m[f.path] = fs
	c.mu.Unlock()
	return fs
}

// keyRange returns, for the sort key (eventtime, or eventtimestamp when
// stamp), how many rows of a file have one and their range as strings
// whose byte order is the key's order; false when the summary cannot tell.
func keyRange(fs fileSummary, stamp bool) (n int64, lo, hi string, ok bool) {
	if !stamp {
		return fs.s.Timed, fs.s.MinTime, fs.s.MaxTime, fs.ok
	}
	return fs.s.Stamped, stampKey(fs.s.MinStamp), stampKey(fs.s.MaxStamp), fs.has
}

// stampKey writes a time in microseconds as a string that sorts as the
// time does.
func stampKey(us int64) string {
	return fmt.Sprintf("%020d", uint64(us)^(1<<63))
}

// minBatch is the number of rows that the first probe of top-N pruning
// reads at least.
const minBatch = 128 * 1024

// topFiles returns the files of cands that the top-N query spec needs.
// The first probe reads batch rows (0: 64 per row wanted, at least
// minBatch).
func topFiles(ctx context.Context, spec *topSpec, cands []dataFile, sums *summaries, probe prober, batch int64) []dataFile {
	if spec.param || spec.n == 0 || !spec.order && !spec.exact {
		return cands
	}
	if !spec.order {
		var keep []dataFile
		rows := int64(0)
		for _, f := range cands {
			if rows >= spec.n {
				break
			}
			keep = append(keep, f)
			if s := sums.get(f); s.has {
				rows += s.s.Rows
			}
		}
		return keep
	}
	// The files that may hold the first rows come first: unknown ranges,
	// then by the newest (oldest) time they hold.
	type ranked struct {
		f      dataFile
		n      int64  // rows with a sort key (not NULL)
		lo, hi string // the range of their keys, in the order of keyRange
	}
	var unknown []dataFile
	var known []ranked
	total := int64(0)
	for _, f := range cands {
		n, lo, hi, ok := keyRange(sums.get(f), spec.stamp)
		switch {
		case !ok:
			unknown = append(unknown, f)
		case n > 0:
			known = append(known, ranked{f, n, lo, hi})
			total += n
		}
	}
	if len(known) == 0 || len(unknown) > len(cands)/4 {
		return cands
	}
	first := func(r ranked) string {
		if spec.desc {
			return r.hi
		}
		return r.lo
	}
	slices.SortStableFunc(known, func(a, b ranked) int {
		if spec.desc {
			return cmp.Compare(first(b), first(a))
		}
		return cmp.Compare(first(a), first(b))
	})
	// reaches reports whether a file's range reaches the bound.
	reaches := func(r ranked, bound string) bool {
		if spec.desc {
			return r.hi >= bound
		}
		return r.lo <= bound
	}
	keepFor := func(bound string) []dataFile {
		keep := slices.Clone(unknown)
		for _, r := range known {
			if reaches(r, bound) {
				keep = append(keep, r.f)
			}
		}
		return keep
	}
	if spec.where == "" || spec.exact {
		// Every row counts: the first files in order that hold n timed
		// rows give the bound, their least (greatest) time.
		rows, bound := int64(0), ""
		for i, r := range known {
			last := r.lo
			if !spec.desc {
				last = r.hi
			}
			if i == 0 || spec.desc && last < bound || !spec.desc && last > bound {
				bound = last
			}
			if rows += r.n; rows >= spec.n {
				return keepFor(bound)
			}
		}
		return cands
	}
	if probe == nil {
		return cands
	}
	agg, dir := "min", "DESC"
	if !spec.desc {
		agg, dir = "max", "ASC"
	}
	target := batch
	if batch == 0 {
		target = max(64*spec.n, minBatch)
	}
	for target < total/2 {
		batch := slices.Clone(unknown)
		rows := int64(0)
		for _, r := range known {
			if rows >= target {
				break
			}
			batch = append(batch, r.f)
			rows += r.n
		}
		last := agg + "(k)"
		if spec.stamp {
			last = "CAST(epoch_us(" + last + ") AS VARCHAR)"
		}
		src := sourceSQL
		if spec.source != nil {
			src = spec.source
		}
		q := "SELECT count(k), " + last + " FROM (SELECT " + spec.key + " AS k FROM (" + src(batch) + ") AS " + spec.name +
			" WHERE " + spec.where + " ORDER BY " + spec.key + " " + dir + " NULLS LAST LIMIT " + strconv.FormatInt(spec.n, 10) + ")"
		n, bound, err := probe(ctx, q)
		if err != nil {
			return cands
		}
		if n >= spec.n && bound.Valid {
			if !spec.stamp {
				return keepFor(bound.String)
			}
			us, err := strconv.ParseInt(bound.String, 10, 64)
			if err != nil {
				return cands
			}
			return keepFor(stampKey(us))
		}
		target *= 4
	}
	return cands
}
