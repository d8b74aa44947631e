package lake

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/trailsql/trailsql/internal/cloudtrail"
	"github.com/trailsql/trailsql/internal/needle"
)

// journal is written before the files of a compaction replace the files
// they merge. After a crash, recovery deletes the old files if every new
// one is in place, or the new ones that are if not. Readers leave out the
// old files in the first case and the new ones in the second (see
// CompactionJournal), so that they never see an event twice.
type journal struct {
	New  string   `json:"new,omitempty"` // written by older versions: one new file
	News []string `json:"news,omitempty"`
	Old  []string `json:"old"`
}

func (j journal) news() []string {
	if j.New != "" {
		return append([]string{j.New}, j.News...)
	}
	return j.News
}

func (l *Lake) journalPath() string { return filepath.Join(l.Dir, MetaDir, "compact.journal") }

// readJournal reads the journal of an unfinished compaction of the lake at
// dir, if there is one, and says which of its new files are in place.
func readJournal(dir string) (j journal, present []string, all bool, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, MetaDir, "compact.journal"))
	if errors.Is(err, os.ErrNotExist) {
		return j, nil, false, false, nil
	}
	if err != nil {
		return j, nil, false, false, err
	}
	if json.Unmarshal(b, &j) != nil {
		return j, nil, false, false, nil
	}
	all = true
	for _, n := range j.news() {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			present = append(present, n)
		} else {
			all = false
		}
	}
	return j, present, all && len(present) > 0, true, nil
}

// CompactionJournal returns the files that an unfinished compaction makes
// readers leave out, if any: the files it replaces once all of its new
// files are in place, and the new files in place until then.
func CompactionJournal(dir string) ([]string, error) {
	j, present, all, ok, err := readJournal(dir)
	if err != nil || !ok {
		return nil, err
	}
	skip := present
	if all {
		skip = j.Old
	}
	out := make([]string, len(skip))
	for i, o := range skip {
		out[i] = filepath.Join(dir, o)
	}
	return out, nil
}

func (l *Lake) finishCompactions() error {
	j, present, all, ok, err := readJournal(l.Dir)
	if err != nil {
		return fmt.Errorf("cannot read compaction journal: %w", err)
	}
	if !ok {
		if err := os.Remove(l.journalPath()); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot remove compaction journal: %w", err)
		}
		return nil
	}
	remove := j.news() // undo: the new files and their sidecars
	if all {
		remove = j.Old
	}
	_ = present
	for _, o := range remove {
		old := filepath.Join(l.Dir, o)
		if err := os.Remove(old); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot finish compaction: %w", err)
		}
		if err := os.Remove(needle.SidecarPath(old)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("cannot finish compaction: %w", err)
		}
	}
	return os.Remove(l.journalPath())
}

// CompactStats says what a compaction did.
type CompactStats struct {
	Partitions  int // buckets (or older partitions) compacted
	FilesBefore int
	FilesAfter  int
	Events      int
}

// Add adds o's counts to s.
func (s *CompactStats) Add(o CompactStats) {
	s.Partitions += o.Partitions
	s.FilesBefore += o.FilesBefore
	s.FilesAfter += o.FilesAfter
	s.Events += o.Events
}

// TargetRows is the number of rows compaction puts in a data file (the
// last file of a bucket has fewer): about 1M rows, 64–256 MB of Parquet,
// the size that DuckDB, Athena and Trino read best.
const TargetRows = 1 << 20

// input is a data file that a compaction reads; region and day are its
// partition's when the file is of the older layout (its rows have none).
type input struct {
	path        string
	region, day string
}

// Compact merges the small data files of bucket b (fewer than TargetRows
// rows) into files of TargetRows rows, sorted by time, when it has more
// than maxSmall of them. Full files are left alone. Readers see either the
// old files or the new ones (see CompactionJournal); a crash at any point
// loses nothing. It is what `trailsql compact` does to tidy a lake.
func (l *Lake) Compact(b Bucket, maxSmall int) (CompactStats, error) {
	return l.compact(b, maxSmall, false)
}

// CompactTiered is Compact for the runs that keep adding small files
// (ingest, sync every few minutes): it merges only files of one size tier
// (under 16k, 64k, 256k and 1M rows) when that tier has more than fanout
// files — 4 × fanout for the two upper tiers, whose files (10 MB and more)
// cost a query little more than one large file would — so that a row is
// rewritten about once per tier it climbs rather than each time a small
// file arrives. A first ingest's batches (100k events) are upper-tier
// files, so a large first ingest writes its events once, not twice.
func (l *Lake) CompactTiered(b Bucket, fanout int) (CompactStats, error) {
	return l.compact(b, fanout, true)
}

// tierOf returns the size tier of a file of rows rows, of a lake whose
// full files have target rows: 0 under target/64, 1 under target/16, 2
// under target/4, 3 under target.
func tierOf(rows int64, target int) int {
	t := 0
	for limit := int64(target / 64); rows >= limit && t < 3; limit *= 4 {
		t++
	}
	return t
}

func (l *Lake) compact(b Bucket, maxSmall int, tiered bool) (CompactStats, error) {
	files, err := l.BucketFiles(b)
	if err != nil {
		return CompactStats{}, err
	}
	tiers := map[int][]string{}
	for _, f := range files {
		rows, ok := fileRows(f)
		if ok && rows >= int64(l.target()) {
			continue // full
		}
		t := 0
		if tiered && ok {
			t = tierOf(rows, l.target())
		}
		tiers[t] = append(tiers[t], f)
	}
	st := CompactStats{FilesBefore: len(files), FilesAfter: len(files)}
	for t := range 4 {
		small := tiers[t]
		limit := maxSmall
		if tiered && t >= 2 {
			limit = 4 * maxSmall
		}
		if len(small) <= limit || len(small) < 2 {
			continue
		}
		in := make([]input, len(small))
		for i, f := range small {
			in[i] = input{path: f}
		}
		s, err := l.replace(b, [][]input{in})
		if err != nil {
			return st, err
		}
		st.Partitions = 1
		st.Events += s.Events
		st.FilesAfter += s.FilesAfter - len(small)
	}
	return st, nil
}

// Convert moves the events of partitions of the older layout (one folder
// per account, region and day) that belong to bucket b into new files of
// b, and removes the old files, crash-safe as Compact. Queries read both
// layouts, so a lake can be converted bucket by bucket while it is used.
func (l *Lake) Convert(b Bucket, parts []cloudtrail.Partition) (CompactStats, error) {
	// Days do not overlap in time, so merging day by day, in order,
	// writes the bucket's rows in time order.
	byDay := map[string][]input{}
	n := 0
	for _, p := range parts {
		if BucketOf(p) != b {
			return CompactStats{}, fmt.Errorf("BUG: partition %s is not in bucket %s", p.Path(), b.Path())
		}
		files, err := l.DataFiles(p)
		if err != nil {
			return CompactStats{}, err
		}
		for _, f := range files {
			byDay[p.Day] = append(byDay[p.Day], input{path: f, region: p.Region, day: p.Day})
			n++
		}
	}
	if n == 0 {
		// A conversion killed after it removed the old files left their
		// folders: remove them now.
		l.removePartitionDirs(parts)
		return CompactStats{}, nil
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	groups := make([][]input, len(days))
	for i, d := range days {
		groups[i] = byDay[d]
	}
	st, err := l.replace(b, groups)
	if err != nil {
		return st, err
	}
	st.FilesBefore = n
	st.Partitions = len(parts)
	l.removePartitionDirs(parts)
	return st, nil
}

// removePartitionDirs removes the folders of partitions of the older
// layout that are empty, and their parents that become empty, so that the
// lake lists only buckets. A folder that still holds a file stays.
func (l *Lake) removePartitionDirs(parts []cloudtrail.Partition) {
	for _, p := range parts {
		dir := l.PartitionDir(p)
		for range 4 {
			if os.Remove(dir) != nil {
				break
			}
			dir = filepath.Dir(dir)
		}
	}
}

// fileRows returns the number of rows of a data file from its sidecar.
func fileRows(path string) (int64, bool) {
	sc, done, err := needle.OpenFile(path)
	if err != nil {
		return 0, false
	}
	defer done()
	s, ok := sc.Summary()
	return s.Rows, ok
}

// replace merges the groups of input files (each group's files merged by
// time; the groups one after another) into new files of bucket b of up to
// TargetRows rows each, then puts them in place of the inputs.
func (l *Lake) replace(b Bucket, groups [][]input) (CompactStats, error) {
	rw := &rollWriter{l: l, maxRows: l.target()}
	defer rw.abort()
	n, err := mergeGroups(rw, groups, l.typedMerge)
	if err != nil {
		return CompactStats{}, err
	}
	if err := rw.finish(); err != nil {
		return CompactStats{}, err
	}
	dir := l.BucketDir(b)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return CompactStats{}, fmt.Errorf("cannot create bucket %s: %w", dir, err)
	}
	var j journal
	for i, out := range rw.done {
		dst := filepath.Join(dir, filepath.Base(out.tmp))
		if err := l.writeSidecar(dst, out.index); err != nil {
			return CompactStats{}, err
		}
		rw.done[i].dst = dst
		j.News = append(j.News, rel(l.Dir, dst))
	}
	for _, g := range groups {
		for _, in := range g {
			j.Old = append(j.Old, rel(l.Dir, in.path))
		}
	}
	jb, _ := json.Marshal(j)
	if err := writeSynced(l.journalPath(), jb); err != nil {
		return CompactStats{}, fmt.Errorf("cannot write compaction journal: %w", err)
	}
	for _, out := range rw.done {
		if err := os.Rename(out.tmp, out.dst); err != nil {
			return CompactStats{}, fmt.Errorf("cannot move compacted file into %s: %w", dir, err)
		}
	}
	if err := syncDir(dir); err != nil {
		return CompactStats{}, err
	}
	rw.done = nil
	if err := l.finishCompactions(); err != nil {
		return CompactStats{}, err
	}
	for _, g := range groups {
		for _, in := range g {
			if err := syncDir(filepath.Dir(in.path)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return CompactStats{}, err
			}
		}
	}
	return CompactStats{Partitions: 1, FilesAfter: len(j.News), Events: n}, nil
}

func rel(base, path string) string {
	r, err := filepath.Rel(base, path)
	if err != nil {
		return path
	}
	return r
}

// rollWriter writes merged rows into temporary files of up to TargetRows
// rows each.
type rollWriter struct {
	l    *Lake
	f    *os.File
	bw   *bufio.Writer
	pw   *parquet.GenericWriter[Row]
	ix   *needle.Builder
	path string
	rows int
	// grouped is how many of rows are in finished row groups.
	grouped int
	buf     []Row         // rows not yet handed to pw
	raw     []parquet.Row // ... or these, when merging rows as they are
	done    []rolled
	// maxRows is the rows of a full file.
	maxRows int
}

// rolled is a finished temporary file and its token index.
type rolled struct {
	tmp, dst string
	index    []byte
}

func (w *rollWriter) write(r *Row) error {
	if err := w.open(); err != nil {
		return err
	}
	w.buf = append(w.buf, *r)
	w.ix.AddRecord(&r.Event, deref(r.Region), deref(r.Day))
	w.rows++
	if len(w.buf) == 1024 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	if w.rows >= w.maxRows {
		return w.close()
	}
	return nil
}

// open starts a new file unless one is open.
func (w *rollWriter) open() error {
	if w.pw == nil {
		w.path = w.l.tmpPath("c-" + w.l.newID() + ".parquet")
		f, err := os.Create(w.path)
		if err != nil {
			return fmt.Errorf("cannot create %s: %w", w.path, err)
		}
		w.f, w.bw = f, bufio.NewWriterSize(f, 1<<20)
		w.pw = parquet.NewGenericWriter[Row](w.bw, writerOptions()...)
		w.ix = needle.NewBuilder(min(w.maxRows, 256*1024))
		w.rows, w.grouped = 0, 0
	}
	return nil
}

func (w *rollWriter) flush() error {
	var err error
	if len(w.buf) > 0 {
		_, err = w.pw.Write(w.buf)
		clear(w.buf)
		w.buf = w.buf[:0]
	}
	if len(w.raw) > 0 && err == nil {
		_, err = w.pw.WriteRows(w.raw)
		clear(w.raw)
		w.raw = w.raw[:0]
	}
	if err == nil && w.rows-w.grouped >= flushRows {
		// End the row group, as ingest does: the writer holds a row
		// group's columns in memory until then.
		err = w.pw.Flush()
		w.grouped = w.rows
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", w.path, err)
	}
	return nil
}

// close finishes the current file.
func (w *rollWriter) close() error {
	if w.pw == nil {
		return nil
	}
	err := w.flush()
	if err == nil {
		err = w.pw.Close()
	}
	if err == nil {
		err = w.bw.Flush()
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.pw = nil
	if err != nil {
		os.Remove(w.path)
		return fmt.Errorf("cannot write %s: %w", w.path, err)
	}
	w.done = append(w.done, rolled{tmp: w.path, index: w.ix.Encode()})
	w.ix = nil
	return nil
}

func (w *rollWriter) finish() error { return w.close() }

// abort removes what was not put in place.
func (w *rollWriter) abort() {
	if w.pw != nil {
		w.pw.Close()
		w.f.Close()
		os.Remove(w.path)
	}
	for _, d := range w.done {
		os.Remove(d.tmp)
		if d.dst != "" {
			// A sidecar put in place before the compaction failed; its
			// data file never arrives (or recovery removes it).
			os.Remove(needle.SidecarPath(d.dst))
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// mergeGroups merges each group of files, each sorted by time, into w,
// streaming: memory holds one batch of rows per input file of a group. An
// event stored twice is written once (two copies of an event have the same
// time, so only the fingerprints of one time are kept). It returns the
// number of events written.
func mergeGroups(w *rollWriter, groups [][]input, typed bool) (int, error) {
	l, err := bucketLayout()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, g := range groups {
		merge := mergeGroup
		if !typed && sameSchema(l, g) {
			merge = func(w *rollWriter, g []input) (int, error) { return mergeRaw(w, l, g) }
		}
		k, err := merge(w, g)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func mergeGroup(w *rollWriter, files []input) (int, error) {
	return kmerge(files, openCursor,
		func(a, b *cursor) bool { return less(&a.cur.Event, &b.cur.Event) },
		func(c *cursor) (int64, int64) { return ts(&c.cur.Event), c.cur.FP },
		func(c *cursor) error { return w.write(c.cur) })
}

// mergeCursor is an input of kmerge: a data file's rows in time order.
type mergeCursor interface {
	// done reports whether the rows are exhausted.
	done() bool
	// advance moves to the next row.
	advance() error
	close()
}

// kmerge merges files, each sorted by time, opened with open: it writes
// the least current row (as less orders them) until every file is done,
// and returns the number written. An event stored twice is written once:
// two copies of an event have the same time, so only the fingerprints
// (key) of the rows of one time are kept.
func kmerge[C mergeCursor](files []input, open func(input) (C, error), less func(a, b C) bool, key func(C) (stamp, fp int64), write func(C) error) (int, error) {
	var curs []C
	defer func() {
		for _, c := range curs {
			c.close()
		}
	}()
	for _, f := range files {
		c, err := open(f)
		if err != nil {
			return 0, err
		}
		curs = append(curs, c)
		if err := c.advance(); err != nil {
			return 0, err
		}
	}
	seen := map[int64]struct{}{}
	var seenAt int64
	n := 0
	for {
		best := -1
		for i, c := range curs {
			if !c.done() && (best < 0 || less(c, curs[best])) {
				best = i
			}
		}
		if best < 0 {
			return n, nil
		}
		c := curs[best]
		stamp, fp := key(c)
		if stamp != seenAt {
			clear(seen)
			seenAt = stamp
		}
		if _, dup := seen[fp]; !dup {
			seen[fp] = struct{}{}
			if err := write(c); err != nil {
				return n, err
			}
			n++
		}
		if err := c.advance(); err != nil {
			return n, err
		}
	}
}

func less(a, b *cloudtrail.Event) bool {
	if ta, tb := ts(a), ts(b); ta != tb {
		return ta < tb
	}
	return str(a.EventID) < str(b.EventID)
}

// cursor reads one data file row by row, in batches.
type cursor struct {
	in   input
	r    *rowReader
	buf  []Row
	i, n int
	cur  *Row
	eof  bool
}

func openCursor(in input) (*cursor, error) {
	r, err := openRows(in.path)
	if err != nil {
		return nil, err
	}
	return &cursor{in: in, r: r, buf: make([]Row, 256)}, nil
}

// advance moves to the next row; cur is nil at the end. Rows of a file of
// the older layout get the region and day of its folder.
func (c *cursor) advance() error {
	if c.i >= c.n {
		c.cur = nil
		if c.eof {
			return nil
		}
		clear(c.buf)
		n, err := c.r.read(c.buf)
		if err == io.EOF {
			c.eof = true
		} else if err != nil {
			return err
		}
		c.i, c.n = 0, n
		if n == 0 {
			return nil
		}
	}
	c.cur = &c.buf[c.i]
	c.i++
	if c.in.region != "" {
		c.cur.Region, c.cur.Day = &c.in.region, &c.in.day
	}
	return nil
}

func (c *cursor) close() { c.r.close() }

func (c *cursor) done() bool { return c.cur == nil }

func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Reindex rebuilds the sidecar (token index and summary, see package
// needle) of each data file of bucket b that has none, a damaged one, or
// one of an older format, and returns how many it rebuilt. (Files of the
// older layout get new sidecars when Convert moves them into buckets.)
func (l *Lake) Reindex(b Bucket) (int, error) {
	files, err := l.BucketFiles(b)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if currentSidecar(f) {
			continue
		}
		ix, err := indexFile(f)
		if err != nil {
			return n, err
		}
		if err := l.writeSidecar(f, ix.Encode()); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		if err := syncDir(l.BucketDir(b)); err != nil {
			return n, err
		}
	}
	return n, nil
}

// currentSidecar reports whether the bucket's data file path has a
// readable sidecar of the current format, with the parts of its rows.
func currentSidecar(path string) bool {
	sc, done, err := needle.OpenFile(path)
	if err != nil {
		return false
	}
	defer done()
	s, ok := sc.Summary()
	return ok && (s.Parts != nil || s.Rows == 0)
}

// indexFile reads the events of a data file, streaming, into a new index.
// indexFile reads the rows of a bucket's data file, streaming, into a new
// index, each counted in its part.
func indexFile(path string) (*needle.Builder, error) {
	c, err := openCursor(input{path: path})
	if err != nil {
		return nil, err
	}
	defer c.close()
	ix := needle.NewBuilder(int(c.r.n))
	for {
		if err := c.advance(); err != nil {
			return nil, err
		}
		if c.cur == nil {
			return ix, nil
		}
		ix.AddRecord(&c.cur.Event, deref(c.cur.Region), deref(c.cur.Day))
	}
}

// TidyStats says what Tidy did.
type TidyStats struct {
	Converted CompactStats // partitions of the older layout moved into buckets
	Compacted CompactStats // Partitions: the buckets whose small files were merged; files of all buckets
	Buckets   int          // buckets in the lake
	Reindexed int          // sidecars rebuilt
}

// Tidy brings the whole lake to the current layout: it moves the
// partitions of the older layout (one folder per account, region and day)
// into buckets, merges the small files of each bucket when it has more
// than maxSmall, and rebuilds old or missing sidecars. Each step is
// crash-safe; progress, when set, is told each bucket done.
func (l *Lake) Tidy(ctx context.Context, maxSmall int, progress func(b Bucket, done, total int)) (TidyStats, error) {
	var st TidyStats
	parts, err := LegacyPartitions(l.Dir)
	if err != nil {
		return st, fmt.Errorf("cannot list the partitions of %s: %w", l.Dir, err)
	}
	old := map[Bucket][]cloudtrail.Partition{}
	for _, p := range parts {
		old[BucketOf(p)] = append(old[BucketOf(p)], p)
	}
	buckets, err := Buckets(l.Dir)
	if err != nil {
		return st, fmt.Errorf("cannot list the buckets of %s: %w", l.Dir, err)
	}
	all := map[Bucket]bool{}
	for _, b := range buckets {
		all[b] = true
	}
	for b := range old {
		all[b] = true
	}
	order := make([]Bucket, 0, len(all))
	for b := range all {
		order = append(order, b)
	}
	slices.SortFunc(order, func(a, b Bucket) int { return strings.Compare(a.Path(), b.Path()) })
	for i, b := range order {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if ps := old[b]; len(ps) > 0 {
			// Old files of a partition may lack a current sidecar; the
			// conversion writes new ones for everything it moves.
			s, err := l.Convert(b, ps)
			if err != nil {
				return st, err
			}
			st.Converted.Add(s)
		}
		s, err := l.Compact(b, maxSmall)
		if err != nil {
			return st, err
		}
		st.Compacted.Add(s)
		st.Buckets++
		n, err := l.Reindex(b)
		if err != nil {
			return st, err
		}
		st.Reindexed += n
		if progress != nil {
			progress(b, i+1, len(order))
		}
	}
	return st, nil
}
