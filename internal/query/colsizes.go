package query

import (
	"os"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// colSizes estimates how many bytes of the lake's files a scan reads,
// for the "data scanned" figure (DuckDB's profiler counts only the footers
// it reads). It reads the footers of a few files once, and takes the share
// of the file that the columns a scan reads make up there as their share
// in every file: all data files have the same schema and similar data.
type colSizes struct {
	mu     sync.Mutex
	sample *fileCols // the column sizes of the sampled files, summed
	key    string    // the files sampled
}

type fileCols struct {
	size   int64
	footer int64
	cols   map[string]int64 // column path, lower case, list levels left out
}

// share returns the share of a file that the columns cols (names or
// struct fields like useridentity.arn) and the footer take, sampling the
// files of st; ok is false when no file can be read.
func (c *colSizes) share(st *lakeState, cols []string) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(4, len(st.files))
	var key strings.Builder
	var picked []dataFile
	for i := 0; i < n; i++ {
		f := st.files[i*len(st.files)/max(n, 1)]
		picked = append(picked, f)
		key.WriteString(f.path + "\n")
	}
	if c.sample == nil || c.key != key.String() {
		sum := &fileCols{cols: map[string]int64{}}
		for _, f := range picked {
			fc := readFileCols(f.path, f.size)
			if fc == nil {
				continue
			}
			sum.size += fc.size
			sum.footer += fc.footer
			for k, v := range fc.cols {
				sum.cols[k] += v
			}
		}
		c.sample, c.key = sum, key.String()
	}
	if c.sample.size == 0 {
		return 0, false
	}
	return float64(c.sample.bytesFor(cols)) / float64(c.sample.size), true
}

func readFileCols(path string, size int64) *fileCols {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	pf, err := parquet.OpenFile(f, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil
	}
	fc := &fileCols{size: size, cols: map[string]int64{}}
	data := int64(0)
	for _, rg := range pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			var parts []string
			for _, p := range cc.MetaData.PathInSchema {
				switch p {
				case "list", "element", "item", "array", "bag":
					continue
				}
				parts = append(parts, strings.ToLower(p))
			}
			n := cc.MetaData.TotalCompressedSize
			fc.cols[strings.Join(parts, ".")] += n
			data += n
		}
	}
	fc.footer = max(0, size-data-4)
	return fc
}

// bytesFor is how many bytes of the file the projected columns take (a
// projection names a column or a struct field, e.g. useridentity.arn),
// with the footer.
func (fc *fileCols) bytesFor(projections []string) int64 {
	n := fc.footer
	for col, size := range fc.cols {
		for _, p := range projections {
			if col == p || strings.HasPrefix(col, p+".") {
				n += size
				break
			}
		}
	}
	return n
}
