package source

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/cloudtrail"
)

// S3 is a source in S3 or an S3-compatible store: s3://bucket[/prefix].
//
// It reads a trail bucket's layout by listing with delimiters: the
// organizations, accounts, log kinds and regions below AWSLogs/, then only
// the days a Filter selects. A one-day ingest of a bucket with years of logs
// of many accounts costs a few LIST requests per account and region, however
// many objects the bucket holds. Objects are streamed when read.
type S3 struct {
	c       *S3Client
	prefix  string // "" or ending with "/"; the whole key in single mode
	single  bool
	workers int
	now     func() time.Time
	digests string

	mu       sync.Mutex
	whole    func(Place) bool
	problems []error
	kept     int
}

// S3Options tune an S3 source. Zero values take the defaults.
type S3Options struct {
	// ListWorkers is how many LIST requests run at once (default 16).
	ListWorkers int
	// DigestDir, when set, receives a copy of every CloudTrail digest file
	// listed, at DigestDir/<bucket>/<key>, with the digest's signature
	// (its x-amz-meta-signature metadata, hex) in a sidecar file
	// <key>.sig: S3 metadata is lost by copies, and the signature is needed
	// to verify the digest later.
	DigestDir string
	// Now is the clock (time.Now when nil); it ends open date ranges.
	Now func() time.Time
}

// Place is one folder of a trail bucket that holds one account's logs of one
// kind for one region (AWSLogs/[o-org/]<account>/<kind>/<region>/).
type Place struct {
	Org, Account, Kind, Region string
	// Prefix is the folder's key, ending with "/".
	Prefix string
}

// String returns the place as account/kind/region.
func (p Place) String() string { return p.Account + "/" + p.Kind + "/" + p.Region }

// cloudTrailKinds are the folders below an account that CloudTrail writes.
var cloudTrailKinds = []string{"CloudTrail", "CloudTrail-Digest", "CloudTrail-Insight", "CloudTrail-NetworkActivity"}

// maxDayPrefixes is the longest date range listed day by day; longer ranges
// are listed by year and month folders.
const maxDayPrefixes = 62

// NewS3 returns the source at url (s3://bucket[/prefix]), reached through a
// client dialled with cfg.
func NewS3(ctx context.Context, url string, cfg S3Config, opts S3Options) (*S3, error) {
	bucket, _, err := ParseS3URL(url)
	if err != nil {
		return nil, err
	}
	c, err := DialS3(ctx, bucket, cfg)
	if err != nil {
		return nil, err
	}
	return NewS3WithClient(ctx, c, url, opts)
}

// NewS3WithClient returns the source at url through an existing client of
// its bucket. A URL that ends in a log file name without a trailing slash
// names that one object when it exists.
func NewS3WithClient(ctx context.Context, c *S3Client, url string, opts S3Options) (*S3, error) {
	bucket, prefix, err := ParseS3URL(url)
	if err != nil {
		return nil, err
	}
	if bucket != c.Bucket {
		return nil, fmt.Errorf("BUG: client of bucket %s used for %s", c.Bucket, url)
	}
	if opts.ListWorkers <= 0 {
		opts.ListWorkers = 16
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &S3{c: c, prefix: prefix, workers: opts.ListWorkers, now: opts.Now, digests: opts.DigestDir}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		if cloudtrail.ParseKey(prefix).Kind != cloudtrail.KeyForeign || strings.Contains(prefix, "CloudTrail-Digest/") {
			_, err := c.API.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix)})
			if err == nil {
				s.single = true
				return s, nil
			}
			if !IsNotFound(err) {
				return nil, c.done("read", prefix, err)
			}
		}
		s.prefix += "/"
	}
	return s, nil
}

// Client returns the source's client.
func (s *S3) Client() *S3Client { return s.c }

// String names the source.
func (s *S3) String() string { return s.c.URL(s.prefix) }

// Explicit reports whether the source is one object named by the user.
func (s *S3) Explicit() bool { return s.single }

// ListWhole makes List read every day of the places for which whole
// returns true, whatever the filter's dates: sync uses it so that an account
// or region that appears is loaded with its history, while known ones are
// only listed for their recent days. Nil turns it off.
func (s *S3) ListWhole(whole func(Place) bool) {
	s.mu.Lock()
	s.whole = whole
	s.mu.Unlock()
}

// Problems returns what the last List could not list or copy (folders
// where access is denied, digest files it could not keep). They did not
// stop the listing: everything else was listed.
func (s *S3) Problems() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.problems)
}

// DigestsKept returns how many digest files the last List copied.
func (s *S3) DigestsKept() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kept
}

func (s *S3) problem(err error) {
	s.mu.Lock()
	s.problems = append(s.problems, err)
	s.mu.Unlock()
}

// List calls fn for every object of the source that f may select, reading
// the trail layout with delimited listings. fn is never called by two
// goroutines at once, but objects come in no particular order.
// A folder where access is denied is reported by Problems and skipped.
func (s *S3) List(ctx context.Context, f Filter, fn func(Object) error) error {
	s.mu.Lock()
	s.problems, s.kept = nil, 0
	whole := s.whole
	s.mu.Unlock()
	if s.single {
		out, err := s.c.API.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.c.Bucket), Key: aws.String(s.prefix)})
		if err := s.c.done("read", s.prefix, err); err != nil {
			return err
		}
		return fn(Object{Key: s.c.URL(s.prefix), Rel: s.prefix, Size: aws.ToInt64(out.ContentLength),
			ETag: trimETag(aws.ToString(out.ETag)), ModTime: aws.ToTime(out.LastModified).UTC()})
	}
	var digests []Object
	var mu sync.Mutex
	emit := func(o Object) error {
		mu.Lock()
		defer mu.Unlock()
		if s.digests != "" && cloudtrail.ParseKey(o.Rel).Kind == cloudtrail.KeyDigest {
			digests = append(digests, o)
		}
		return fn(o)
	}
	w := &walker{s: s, f: f, emit: emit, whole: whole}
	if err := w.run(ctx); err != nil {
		return err
	}
	if len(digests) > 0 {
		return s.keepDigests(ctx, digests)
	}
	return nil
}

// Discover returns the places of the trail below the source that f
// selects (by account and region), listing only down to the region folders.
func (s *S3) Discover(ctx context.Context, f Filter) ([]Place, error) {
	s.mu.Lock()
	s.problems = nil
	s.mu.Unlock()
	w := &walker{s: s, f: f, discover: true}
	if err := w.run(ctx); err != nil {
		return nil, err
	}
	slices.SortFunc(w.places, func(a, b Place) int { return strings.Compare(a.Prefix, b.Prefix) })
	return w.places, nil
}

// level says what the folders below a listed prefix are.
type level int

const (
	levelSearch  level = iota // somewhere above AWSLogs/
	levelLogs                 // AWSLogs/: organizations or accounts
	levelOrg                  // AWSLogs/o-xxx/: accounts
	levelAccount              // AWSLogs/[o-xxx/]<account>/: log kinds
	levelKind                 // .../<account>/<kind>/: regions
	levelPlace                // .../<kind>/<region>/: years
	levelFlat                 // list every object below, no delimiter
)

// task is one listing of the walk.
type task struct {
	prefix string
	level  level
	depth  int // levelSearch: folders below the source root
	place  Place
}

// walker lists a source level by level: each level's listings run at once
// (at most s.workers at a time) and yield the next level's.
type walker struct {
	s        *S3
	f        Filter
	emit     func(Object) error // nil when discovering
	whole    func(Place) bool
	discover bool

	mu     sync.Mutex
	places []Place
	roots  int
}

func (w *walker) run(ctx context.Context) error {
	first, ok := w.start()
	if !ok {
		return nil
	}
	searching := first.level == levelSearch
	tasks := []task{first}
	for len(tasks) > 0 {
		var next []task
		var mu sync.Mutex
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(w.s.workers)
		for _, t := range tasks {
			g.Go(func() error {
				children, err := w.do(gctx, t)
				if err != nil {
					if t.prefix != w.s.prefix && IsAccessDenied(err) && !IsUnreachable(err) {
						w.s.problem(err)
						return nil
					}
					return err
				}
				mu.Lock()
				next = append(next, children...)
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if searching && !slices.ContainsFunc(next, func(t task) bool { return t.level == levelSearch }) {
			searching = false
			if w.roots == 0 && !w.discover {
				// No AWSLogs folder: a folder of plain log files.
				next = []task{{prefix: w.s.prefix, level: levelFlat}}
			}
		}
		tasks = next
	}
	return nil
}

// start returns the first listing, placed in the trail layout by the
// source's prefix; false when the filter rules the whole source out.
func (w *walker) start() (task, bool) {
	parts := strings.Split(strings.TrimSuffix(w.s.prefix, "/"), "/")
	at := slices.Index(parts, "AWSLogs")
	if w.s.prefix == "" || at < 0 {
		return task{prefix: w.s.prefix, level: levelSearch}, true
	}
	rest := parts[at+1:]
	var p Place
	acct := at + 1
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		p.Org, rest = rest[0], rest[1:]
		acct++
	}
	t := task{prefix: w.s.prefix}
	switch len(rest) {
	case 0:
		t.level = levelLogs
		if p.Org != "" {
			t.level = levelOrg
		}
		return t, true
	case 1:
		p.Account, t.level = rest[0], levelAccount
	case 2:
		p.Account, p.Kind, t.level = rest[0], rest[1], levelKind
	default:
		p.Account, p.Kind, p.Region = rest[0], rest[1], rest[2]
		p.Prefix = strings.Join(parts[:acct+3], "/") + "/"
		t.level = levelPlace
		if len(rest) > 3 {
			// Inside a region folder: all of it, if the filter allows.
			t.level = levelFlat
			if !w.f.PathOK(rest[1:]) {
				return t, false
			}
		}
	}
	t.place = p
	if !w.f.AccountOK(p.Account) || (p.Region != "" && !w.f.RegionOK(p.Region)) {
		return t, false
	}
	return t, true
}

// do runs one listing and returns the listings it leads to.
func (w *walker) do(ctx context.Context, t task) ([]task, error) {
	if t.level == levelFlat {
		return nil, w.listFlat(ctx, t.prefix)
	}
	if t.level == levelPlace && w.discover {
		w.mu.Lock()
		w.places = append(w.places, t.place)
		w.mu.Unlock()
		return nil, nil
	}
	if t.level == levelPlace {
		return w.placeTasks(ctx, t)
	}
	dirs, err := w.listDirs(ctx, t.prefix, t.level != levelSearch)
	if err != nil {
		return nil, err
	}
	if t.level == levelSearch {
		for _, d := range dirs {
			if d == t.prefix+"AWSLogs/" {
				w.mu.Lock()
				w.roots++
				w.mu.Unlock()
				return []task{{prefix: d, level: levelLogs}}, nil
			}
		}
	}
	var out []task
	for _, d := range dirs {
		name := strings.TrimSuffix(d[len(t.prefix):], "/")
		child := task{prefix: d, place: t.place}
		switch t.level {
		case levelSearch:
			if t.depth >= 2 || len(dirs) > 100 {
				continue
			}
			child.level, child.depth = levelSearch, t.depth+1
		case levelLogs:
			if strings.HasPrefix(name, "o-") {
				child.level, child.place.Org = levelOrg, name
				break
			}
			fallthrough
		case levelOrg:
			if !w.f.AccountOK(name) {
				continue
			}
			child.level, child.place.Account = levelAccount, name
		case levelAccount:
			if !slices.Contains(cloudTrailKinds, name) {
				continue // other services' logs (ELB, Config, ...)
			}
			child.level, child.place.Kind = levelKind, name
		case levelKind:
			if !w.f.RegionOK(name) {
				continue
			}
			child.level, child.place.Region, child.place.Prefix = levelPlace, name, d
		}
		out = append(out, child)
	}
	return out, nil
}

// placeTasks returns the listings of one region folder: all of it, or the
// days the filter selects (day by day for short ranges, through the year and
// month folders for long ones).
func (w *walker) placeTasks(ctx context.Context, t task) ([]task, error) {
	lo, hi := w.f.Since, w.f.Until
	if (lo.IsZero() && hi.IsZero()) || (w.whole != nil && w.whole(t.place)) {
		return []task{{prefix: t.prefix, level: levelFlat}}, nil
	}
	if hi.IsZero() {
		// Today, and tomorrow near midnight (clocks differ).
		n := w.s.now().UTC().Add(2 * time.Hour)
		hi = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	}
	if !lo.IsZero() {
		if hi.Before(lo) {
			return nil, nil
		}
		if days := int(hi.Sub(lo).Hours()/24) + 1; days <= maxDayPrefixes {
			out := make([]task, 0, days)
			for d := lo; !d.After(hi); d = d.AddDate(0, 0, 1) {
				out = append(out, task{prefix: t.prefix + d.Format("2006/01/02/"), level: levelFlat})
			}
			return out, nil
		}
	}
	// A long or open range: descend through the year and month folders.
	years, err := w.listDirs(ctx, t.prefix, true)
	if err != nil {
		return nil, err
	}
	var out []task
	for _, y := range years {
		yy := strings.TrimSuffix(y[len(t.prefix):], "/")
		if !w.f.PathOK([]string{t.place.Kind, t.place.Region, yy}) {
			continue
		}
		if w.inside([]string{yy}) {
			out = append(out, task{prefix: y, level: levelFlat})
			continue
		}
		months, err := w.listDirs(ctx, y, true)
		if err != nil {
			return nil, err
		}
		for _, m := range months {
			mm := strings.TrimSuffix(m[len(y):], "/")
			if !w.f.PathOK([]string{t.place.Kind, t.place.Region, yy, mm}) {
				continue
			}
			if w.inside([]string{yy, mm}) {
				out = append(out, task{prefix: m, level: levelFlat})
				continue
			}
			for d := 1; d <= 31; d++ {
				dd := fmt.Sprintf("%02d", d)
				if w.f.PathOK([]string{t.place.Kind, t.place.Region, yy, mm, dd}) && validDay(yy, mm, dd) {
					out = append(out, task{prefix: m + dd + "/", level: levelFlat})
				}
			}
		}
	}
	return out, nil
}

// inside reports whether the whole folder yyyy[/mm] is within the filter's
// dates.
func (w *walker) inside(ymd []string) bool {
	lo, err := time.Parse("2006", ymd[0])
	if err != nil {
		return false
	}
	hi := lo.AddDate(1, 0, -1)
	if len(ymd) > 1 {
		if lo, err = time.Parse("2006/01", ymd[0]+"/"+ymd[1]); err != nil {
			return false
		}
		hi = lo.AddDate(0, 1, -1)
	}
	return w.f.DayOK(lo) && w.f.DayOK(hi)
}

func validDay(y, m, d string) bool {
	_, err := time.Parse("2006/01/02", y+"/"+m+"/"+d)
	return err == nil
}

// listDirs lists the folders right below prefix. Objects found beside them
// are passed on when emit is set.
func (w *walker) listDirs(ctx context.Context, prefix string, emitObjects bool) ([]string, error) {
	var dirs []string
	err := w.s.list(ctx, prefix, "/", func(page *s3.ListObjectsV2Output) error {
		for _, cp := range page.CommonPrefixes {
			dirs = append(dirs, aws.ToString(cp.Prefix))
		}
		if emitObjects && w.emit != nil {
			for _, o := range page.Contents {
				if err := w.emit(w.s.object(o)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return dirs, err
}

func (w *walker) listFlat(ctx context.Context, prefix string) error {
	if w.emit == nil {
		return nil
	}
	return w.s.list(ctx, prefix, "", func(page *s3.ListObjectsV2Output) error {
		for _, o := range page.Contents {
			if strings.HasSuffix(aws.ToString(o.Key), "/") {
				continue // a folder marker
			}
			if err := w.emit(w.s.object(o)); err != nil {
				return err
			}
		}
		return nil
	})
}

// list pages through one listing.
func (s *S3) list(ctx context.Context, prefix, delim string, page func(*s3.ListObjectsV2Output) error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.c.Bucket), Prefix: aws.String(prefix)}
	if delim != "" {
		in.Delimiter = aws.String(delim)
	}
	p := s3.NewListObjectsV2Paginator(s.c.API, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err := s.c.done("list", prefix, err); err != nil {
			return err
		}
		if err := page(out); err != nil {
			return err
		}
	}
	return nil
}

func (s *S3) object(o types.Object) Object {
	key := aws.ToString(o.Key)
	return Object{Key: s.c.URL(key), Rel: key, Size: aws.ToInt64(o.Size), ETag: trimETag(aws.ToString(o.ETag)), ModTime: aws.ToTime(o.LastModified).UTC()}
}

func trimETag(e string) string { return strings.Trim(e, `"`) }
