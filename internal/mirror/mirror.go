package mirror

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/trailsql/trailsql/internal/lake"
	"github.com/trailsql/trailsql/internal/source"
)

// Mirror pairs a local lake folder with an S3 lake.
type Mirror struct {
	// Dir is the local lake (the cache of the S3 lake).
	Dir     string
	c       *source.S3Client
	prefix  string // "" or ending with "/"
	workers int
	now     func() time.Time
	holder  string
	refresh time.Duration
}

// Options tune a Mirror. Zero values take the defaults.
type Options struct {
	// Workers is how many objects are uploaded or downloaded at once
	// (default 16).
	Workers int
	// Holder names this writer in the S3 lake's lock (default: host name,
	// process id and local folder).
	Holder string
	// LockRefresh is how often a held lock is written again (default
	// LockTTL/4).
	LockRefresh time.Duration
	Now         func() time.Time
}

// Stats says what a Pull or Push did.
type Stats struct {
	UpToDate bool  // Pull: the cache was current
	Files    int   // files uploaded (Push) or downloaded (Pull)
	Deleted  int   // files deleted from S3 (Push) or from the cache (Pull)
	Bytes    int64 // bytes uploaded or downloaded
	Requests source.Requests
	Duration time.Duration
}

// Paths below the lake (local, relative) and the S3 prefix.
const (
	stateFile      = lake.MetaDir + "/mirror.json"
	generationKey  = lake.MetaDir + "/generation"
	lockKey        = lake.MetaDir + "/lock"
	manifestFile   = lake.MetaDir + "/manifest.jsonl"
	manifestPrefix = lake.MetaDir + "/manifest/"
)

// published reports whether the local file rel (relative to the lake, in
// / form) belongs in the S3 lake: the table's data files and the index
// sidecars beside them (_<name>.tokens: Athena and Hive skip files whose
// names start with "_"), and the quarantine.
func published(rel string) bool {
	switch {
	case strings.HasPrefix(rel, lake.Table+"/"):
		base := path.Base(rel)
		return strings.HasSuffix(base, ".parquet") || strings.HasPrefix(base, "_") && strings.HasSuffix(base, ".tokens")
	case strings.HasPrefix(rel, lake.MetaDir+"/quarantine/"):
		return !strings.HasPrefix(path.Base(rel), ".tmp-")
	}
	return false
}

// New returns the mirror of the local lake dir at url (s3://bucket/prefix),
// reached through c, a client of that bucket.
func New(dir string, c *source.S3Client, url string, opts Options) (*Mirror, error) {
	bucket, prefix, err := source.ParseS3URL(url)
	if err != nil {
		return nil, err
	}
	if bucket != c.Bucket {
		return nil, fmt.Errorf("BUG: client of bucket %s used for %s", c.Bucket, url)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockRefresh <= 0 {
		opts.LockRefresh = LockTTL / 4
	}
	if opts.Holder == "" {
		host, _ := os.Hostname()
		abs, _ := filepath.Abs(dir)
		opts.Holder = fmt.Sprintf("%s:%s", host, abs)
	}
	return &Mirror{Dir: dir, c: c, prefix: prefix, workers: opts.Workers, now: opts.Now, holder: opts.Holder, refresh: opts.LockRefresh}, nil
}

// URL is the S3 lake's location.
func (m *Mirror) URL() string { return m.c.URL(m.prefix) }

// TableURL is the location of the cloudtrail table in the S3 lake.
func (m *Mirror) TableURL() string { return m.c.URL(m.prefix + lake.Table + "/") }

func (m *Mirror) key(rel string) string { return m.prefix + rel }

// state is what the cache knows of the S3 lake: the generation it last
// pushed or pulled, and the files it holds as of then.
type state struct {
	Remote        string               `json:"remote"`
	Generation    string               `json:"generation"`
	ManifestEpoch int                  `json:"manifest_epoch"`
	ManifestSize  int64                `json:"manifest_size"`
	ManifestTail  string               `json:"manifest_tail"` // sha256 of the last bytes before ManifestSize
	Files         map[string]fileState `json:"files"`
}

type fileState struct {
	Size  int64     `json:"size"`
	MTime time.Time `json:"mtime"`
}

func (m *Mirror) loadState() (*state, error) {
	st := &state{Files: map[string]fileState{}}
	b, err := os.ReadFile(filepath.Join(m.Dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read mirror state: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil || st.Remote != m.URL() {
		// Unreadable, or of another S3 lake: start over.
		return &state{Files: map[string]fileState{}}, nil
	}
	if st.Files == nil {
		st.Files = map[string]fileState{}
	}
	return st, nil
}

func (m *Mirror) saveState(st *state) error {
	st.Remote = m.URL()
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("cannot encode mirror state: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(m.Dir, lake.MetaDir), 0o755); err != nil {
		return fmt.Errorf("cannot save mirror state: %w", err)
	}
	if err := writeFile(filepath.Join(m.Dir, stateFile), bytes.NewReader(b)); err != nil {
		return fmt.Errorf("cannot save mirror state: %w", err)
	}
	return nil
}

// localFiles lists the published files of the local lake.
func (m *Mirror) localFiles() (map[string]fileState, error) {
	out := map[string]fileState{}
	for _, top := range []string{lake.Table, lake.MetaDir + "/quarantine"} {
		root := filepath.Join(m.Dir, filepath.FromSlash(top))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(m.Dir, p)
			rel = filepath.ToSlash(rel)
			if !published(rel) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			out[rel] = fileState{Size: info.Size(), MTime: info.ModTime().UTC()}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("cannot list lake %s: %w", m.Dir, err)
		}
	}
	return out, nil
}

// Push uploads what changed in the local lake since the last Push or Pull,
// deletes from S3 what the local lake no longer has, and marks a new
// generation.
func (m *Mirror) Push(ctx context.Context) (Stats, error) {
	start := m.now()
	before := m.c.Requests()
	var sum Stats
	st, err := m.loadState()
	if err != nil {
		return sum, err
	}
	local, err := m.localFiles()
	if err != nil {
		return sum, err
	}
	// Changes by folder: a folder's new files go up before its old ones
	// are deleted.
	type change struct{ put, del []string }
	byDir := map[string]*change{}
	at := func(rel string) *change {
		d := path.Dir(rel)
		if byDir[d] == nil {
			byDir[d] = &change{}
		}
		return byDir[d]
	}
	for rel, f := range local {
		if old, ok := st.Files[rel]; !ok || old.Size != f.Size || !old.MTime.Equal(f.MTime) {
			at(rel).put = append(at(rel).put, rel)
		}
	}
	for rel := range st.Files {
		if _, ok := local[rel]; !ok {
			at(rel).del = append(at(rel).del, rel)
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(m.workers)
	for _, d := range dirs {
		ch := byDir[d]
		for _, rel := range ch.put {
			g.Go(func() error {
				n, err := m.upload(gctx, rel)
				if err != nil {
					return err
				}
				mu.Lock()
				sum.Files++
				sum.Bytes += n
				st.Files[rel] = local[rel]
				mu.Unlock()
				return nil
			})
		}
	}
	err = g.Wait()
	if err == nil {
		g, gctx = errgroup.WithContext(ctx)
		g.SetLimit(m.workers)
		for _, d := range dirs {
			for _, rel := range byDir[d].del {
				g.Go(func() error {
					if err := m.delete(gctx, rel); err != nil {
						return err
					}
					mu.Lock()
					sum.Deleted++
					delete(st.Files, rel)
					mu.Unlock()
					return nil
				})
			}
		}
		err = g.Wait()
	}
	if err == nil {
		var n int64
		n, err = m.pushManifest(ctx, st)
		sum.Bytes += n
	}
	if err == nil && (sum.Files > 0 || sum.Deleted > 0 || st.Generation == "") {
		gen := m.now().UTC().Format("20060102T150405Z") + "-" + randomHex(4)
		if _, err = m.put(ctx, generationKey, strings.NewReader(gen), int64(len(gen))); err == nil {
			st.Generation = gen
		}
	}
	// What went up is remembered even when something else failed.
	if serr := m.saveState(st); err == nil {
		err = serr
	}
	sum.Requests = m.c.Requests().Sub(before)
	sum.Duration = m.now().Sub(start)
	return sum, err
}

// pushManifest uploads the bytes the local manifest gained since the last
// push as a new segment, or the whole manifest when it was rewritten.
func (m *Mirror) pushManifest(ctx context.Context, st *state) (int64, error) {
	p := filepath.Join(m.Dir, filepath.FromSlash(manifestFile))
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cannot read manifest: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("cannot read manifest: %w", err)
	}
	size := info.Size()
	from, epoch := st.ManifestSize, st.ManifestEpoch
	if from > size || tailHash(f, from) != st.ManifestTail {
		// Rewritten, or never pushed: upload it whole as the first
		// segment of a new epoch, which replaces the older segments.
		from, epoch = 0, epoch+1
	}
	if from == size {
		return 0, nil
	}
	seg := fmt.Sprintf("%s%06d-%020d.jsonl", manifestPrefix, epoch, from)
	if _, err := m.put(ctx, seg, io.NewSectionReader(f, from, size-from), size-from); err != nil {
		return 0, err
	}
	if epoch != st.ManifestEpoch {
		if err := m.deleteSegmentsBefore(ctx, epoch); err != nil {
			return 0, err
		}
	}
	st.ManifestEpoch, st.ManifestSize, st.ManifestTail = epoch, size, tailHash(f, size)
	return size - from, nil
}

// tailHash identifies the manifest's content up to size by its last bytes.
func tailHash(r io.ReaderAt, size int64) string {
	if size == 0 {
		return ""
	}
	n := min(size, 4096)
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil {
		return "unreadable"
	}
	h := sha256.Sum256(buf)
	return hex.EncodeToString(h[:])
}

func (m *Mirror) deleteSegmentsBefore(ctx context.Context, epoch int) error {
	segs, err := m.segments(ctx)
	if err != nil {
		return err
	}
	for _, s := range segs {
		if s.epoch < epoch {
			if err := m.delete(ctx, s.rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// segment is one upload of the manifest: the bytes from off of the local
// manifest as it was in epoch (a new epoch starts when the local manifest
// is rewritten).
type segment struct {
	rel   string
	epoch int
	off   int64
}

// segments lists the S3 manifest's segments in order.
func (m *Mirror) segments(ctx context.Context) ([]segment, error) {
	var out []segment
	err := m.list(ctx, manifestPrefix, func(rel string, _ int64) {
		name := strings.TrimSuffix(path.Base(rel), ".jsonl")
		e, o, ok := strings.Cut(name, "-")
		epoch, err1 := strconv.Atoi(e)
		off, err2 := strconv.ParseInt(o, 10, 64)
		if ok && err1 == nil && err2 == nil {
			out = append(out, segment{rel: rel, epoch: epoch, off: off})
		}
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].epoch != out[j].epoch {
			return out[i].epoch < out[j].epoch
		}
		return out[i].off < out[j].off
	})
	return out, err
}

// Pull brings the local lake up to date with the S3 lake: nothing to do
// (one GET) when the S3 lake is at the generation the cache last saw;
// otherwise it lists the S3 lake, downloads what differs and removes from
// the cache what S3 no longer has.
func (m *Mirror) Pull(ctx context.Context) (Stats, error) {
	start := m.now()
	before := m.c.Requests()
	sum := Stats{}
	done := func(err error) (Stats, error) {
		sum.Requests = m.c.Requests().Sub(before)
		sum.Duration = m.now().Sub(start)
		return sum, err
	}
	st, err := m.loadState()
	if err != nil {
		return done(err)
	}
	gen, err := m.get(ctx, generationKey)
	if source.IsNotFound(err) {
		// Nothing published yet: the next Push publishes everything (and
		// everything again if the S3 lake was removed since).
		sum.UpToDate = true
		if st.Generation != "" {
			return done(m.saveState(&state{Files: map[string]fileState{}}))
		}
		return done(nil)
	}
	if err != nil {
		return done(err)
	}
	if string(gen) == st.Generation {
		sum.UpToDate = true
		return done(nil)
	}
	remote := map[string]int64{}
	for _, top := range []string{lake.Table + "/", lake.MetaDir + "/quarantine/"} {
		if err := m.list(ctx, top, func(rel string, size int64) {
			if published(rel) {
				remote[rel] = size
			}
		}); err != nil {
			return done(err)
		}
	}
	local, err := m.localFiles()
	if err != nil {
		return done(err)
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(m.workers)
	for rel, size := range remote {
		if l, ok := local[rel]; ok && l.Size == size {
			continue
		}
		g.Go(func() error {
			n, err := m.download(gctx, rel)
			if err != nil {
				return err
			}
			mu.Lock()
			sum.Files++
			sum.Bytes += n
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return done(err)
	}
	for rel := range local {
		if _, ok := remote[rel]; !ok {
			if err := os.Remove(filepath.Join(m.Dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return done(fmt.Errorf("cannot remove %s from the cache: %w", rel, err))
			}
			sum.Deleted++
		}
	}
	n, epoch, err := m.pullManifest(ctx)
	if err != nil {
		return done(err)
	}
	st.ManifestEpoch = epoch
	sum.Bytes += n
	files, err := m.localFiles()
	if err != nil {
		return done(err)
	}
	st.Files, st.Generation = files, string(gen)
	if f, err := os.Open(filepath.Join(m.Dir, filepath.FromSlash(manifestFile))); err == nil {
		info, _ := f.Stat()
		st.ManifestSize, st.ManifestTail = info.Size(), tailHash(f, info.Size())
		f.Close()
	} else {
		st.ManifestSize, st.ManifestTail = 0, ""
	}
	return done(m.saveState(st))
}

// pullManifest rebuilds the local manifest from the S3 segments of the
// latest epoch, and returns its size and epoch.
func (m *Mirror) pullManifest(ctx context.Context) (int64, int, error) {
	segs, err := m.segments(ctx)
	if err != nil || len(segs) == 0 {
		return 0, 0, err
	}
	epoch := segs[len(segs)-1].epoch
	var buf bytes.Buffer
	for _, s := range segs {
		if s.epoch != epoch || s.off < int64(buf.Len()) {
			continue
		}
		if s.off > int64(buf.Len()) {
			return 0, 0, fmt.Errorf("cannot read the manifest of %s: segment %s starts past the end of the ones before", m.URL(), s.rel)
		}
		b, err := m.get(ctx, s.rel)
		if err != nil {
			return 0, 0, err
		}
		buf.Write(b)
	}
	p := filepath.Join(m.Dir, filepath.FromSlash(manifestFile))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, 0, fmt.Errorf("cannot write manifest: %w", err)
	}
	n := int64(buf.Len())
	if err := writeFile(p, &buf); err != nil {
		return 0, 0, fmt.Errorf("cannot write manifest: %w", err)
	}
	return n, epoch, nil
}

func (m *Mirror) upload(ctx context.Context, rel string) (int64, error) {
	f, err := os.Open(filepath.Join(m.Dir, filepath.FromSlash(rel)))
	if err != nil {
		return 0, fmt.Errorf("cannot upload %s: %w", rel, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("cannot upload %s: %w", rel, err)
	}
	return m.put(ctx, rel, f, info.Size())
}

func (m *Mirror) put(ctx context.Context, rel string, body io.ReadSeeker, size int64) (int64, error) {
	_, err := m.c.API.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(rel)), Body: body, ContentLength: aws.Int64(size),
	})
	if err != nil {
		return 0, &source.S3Error{Op: "write", URL: m.c.URL(m.key(rel)), Err: err}
	}
	return size, nil
}

func (m *Mirror) delete(ctx context.Context, rel string) error {
	_, err := m.c.API.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(rel))})
	if err != nil && !source.IsNotFound(err) {
		return &source.S3Error{Op: "delete", URL: m.c.URL(m.key(rel)), Err: err}
	}
	return nil
}

func (m *Mirror) get(ctx context.Context, rel string) ([]byte, error) {
	out, err := m.c.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(rel))})
	if err != nil {
		return nil, &source.S3Error{Op: "read", URL: m.c.URL(m.key(rel)), Err: err}
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, &source.S3Error{Op: "read", URL: m.c.URL(m.key(rel)), Err: err}
	}
	return b, nil
}

func (m *Mirror) download(ctx context.Context, rel string) (int64, error) {
	out, err := m.c.API.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(m.c.Bucket), Key: aws.String(m.key(rel))})
	if err != nil {
		return 0, &source.S3Error{Op: "read", URL: m.c.URL(m.key(rel)), Err: err}
	}
	defer out.Body.Close()
	p := filepath.Join(m.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, fmt.Errorf("cannot download %s: %w", m.c.URL(m.key(rel)), err)
	}
	cr := &countingReader{r: out.Body}
	if err := writeFile(p, cr); err != nil {
		return 0, fmt.Errorf("cannot download %s: %w", m.c.URL(m.key(rel)), err)
	}
	return cr.n, nil
}

// list calls fn for every object below the S3 lake's rel folder.
func (m *Mirror) list(ctx context.Context, rel string, fn func(rel string, size int64)) error {
	p := s3.NewListObjectsV2Paginator(m.c.API, &s3.ListObjectsV2Input{Bucket: aws.String(m.c.Bucket), Prefix: aws.String(m.key(rel))})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return &source.S3Error{Op: "list", URL: m.c.URL(m.key(rel)), Err: err}
		}
		for _, o := range out.Contents {
			fn(strings.TrimPrefix(aws.ToString(o.Key), m.prefix), aws.ToInt64(o.Size))
		}
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// writeFile writes a file whole or not at all.
func writeFile(p string, r io.Reader) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-"+filepath.Base(p))
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
