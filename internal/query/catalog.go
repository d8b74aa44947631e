package query

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"
)

// Catalog describes what a lake holds: its tables and, per account and
// region, how many events over what time.
type Catalog struct {
	Tables []Table
	// Regions has one entry per account and region, sorted.
	Regions []RegionSummary
	// NoView lists the accounts that have no cloudtrail_<account> view,
	// with the reason; query them as cloudtrail WHERE account = '<id>'.
	NoView map[string]string
	// Files, Partitions and Bytes describe the lake's Parquet files.
	Files, Partitions int
	Bytes             int64
}

// Table is one table (view) a query can read.
type Table struct {
	Name string
	// About says what the table holds.
	About   string
	Columns []Column
}

// RegionSummary is what the lake holds for one account and region.
type RegionSummary struct {
	Account, Region string
	Events          int64
	// First and Last are the times of the first and last event.
	First, Last time.Time
}

// Catalog returns the lake's tables with their columns, and its events per
// account and region.
func (e *Engine) Catalog(ctx context.Context) (*Catalog, error) {
	c, err := e.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer e.release(c)
	if err := e.refresh(ctx, c, false); err != nil {
		return nil, err
	}
	if err := e.ensureViews(ctx, c, nil, true); err != nil {
		return nil, err
	}
	st := e.snapshot()
	cat := &Catalog{Files: len(st.files), Partitions: st.partitions, NoView: map[string]string{}}
	for a, why := range st.noView {
		cat.NoView[a] = why
	}
	for _, f := range st.files {
		cat.Bytes += f.size
	}
	names := []string{"cloudtrail", "cloudtrail_logs", "logs"}
	about := map[string]string{
		"cloudtrail":      "every event of every account, with the Athena columns, partition columns account, region, year, month, day, and helper columns",
		"cloudtrail_logs": "the same as cloudtrail (the name the AWS documentation uses)",
		"logs":            "one row per source object: object, and records, the list of its events (use CROSS JOIN UNNEST(records) AS t(record))",
	}
	var accounts []string
	for n := range st.accountViews {
		accounts = append(accounts, n)
	}
	sort.Strings(accounts)
	for _, n := range accounts {
		names = append(names, n)
		about[n] = "the events of account " + st.accountViews[n]
	}
	for _, n := range names {
		cols, err := describe(ctx, c, n)
		if err != nil {
			return nil, err
		}
		cat.Tables = append(cat.Tables, Table{Name: n, About: about[n], Columns: cols})
	}
	if regions, ok := regionSummaries(st); ok {
		cat.Regions = regions
		return cat, nil
	}
	rows, err := c.QueryContext(ctx, `SELECT account, region, count(*), min(eventtimestamp), max(eventtimestamp)
		FROM cloudtrail GROUP BY account, region ORDER BY account, region`)
	if err != nil {
		return nil, fmt.Errorf("cannot summarise the lake: %w", cleanError(err, st))
	}
	defer rows.Close()
	for rows.Next() {
		var r RegionSummary
		var first, last sql.NullTime
		if err := rows.Scan(&r.Account, &r.Region, &r.Events, &first, &last); err != nil {
			return nil, fmt.Errorf("cannot summarise the lake: %w", err)
		}
		r.First, r.Last = first.Time.UTC(), last.Time.UTC()
		cat.Regions = append(cat.Regions, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot summarise the lake: %w", cleanError(err, st))
	}
	return cat, nil
}

// regionSummaries adds up the summaries of the lake's files (see
// needle.Summary) per account and region, without reading any data file;
// false when a file has none (a lake written by an older trailsql).
func regionSummaries(st *lakeState) ([]RegionSummary, bool) {
	type key struct{ account, region string }
	type acc struct {
		events, stamped int64
		first, last     int64
	}
	sums := map[key]*acc{}
	for _, f := range st.files {
		fs := st.sums.get(f)
		if !fs.has || f.bucket && f.parts == nil {
			return nil, false
		}
		add := func(region string, rows, stamped, first, last int64) {
			k := key{f.dir.Account, region}
			a := sums[k]
			if a == nil {
				a = &acc{}
				sums[k] = a
			}
			a.events += rows
			if stamped > 0 {
				if a.stamped == 0 || first < a.first {
					a.first = first
				}
				if a.stamped == 0 || last > a.last {
					a.last = last
				}
				a.stamped += stamped
			}
		}
		if !f.bucket {
			add(f.dir.Region, fs.s.Rows, fs.s.Stamped, fs.s.MinStamp, fs.s.MaxStamp)
			continue
		}
		for _, p := range fs.s.Parts {
			add(p.Region, p.Rows, p.Rows, p.MinStamp, p.MaxStamp)
		}
	}
	out := make([]RegionSummary, 0, len(sums))
	for k, a := range sums {
		r := RegionSummary{Account: k.account, Region: k.region, Events: a.events}
		if a.stamped > 0 {
			r.First, r.Last = time.UnixMicro(a.first).UTC(), time.UnixMicro(a.last).UTC()
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		return out[i].Region < out[j].Region
	})
	return out, true
}

// describe returns the columns of a view.
func describe(ctx context.Context, c *sql.Conn, view string) ([]Column, error) {
	rows, err := c.QueryContext(ctx, "SELECT column_name, column_type FROM (DESCRIBE "+quoteIdent(view)+")")
	if err != nil {
		return nil, fmt.Errorf("cannot describe %s: %w", view, err)
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var col Column
		if err := rows.Scan(&col.Name, &col.Type); err != nil {
			return nil, fmt.Errorf("cannot describe %s: %w", view, err)
		}
		cols = append(cols, col)
	}
	return cols, rows.Err()
}
