package query

import "context"

// Rows is the answer of a query as it is read: see Engine.Stream. Call
// Next until it returns false, then Err; Close ends the query early and
// releases its connection. Rows is not safe for concurrent use.
type Rows struct {
	cols   []Column
	cancel context.CancelFunc

	ready   chan struct{} // closed once the columns are known or the query failed
	batches chan [][]any  // closed after the last batch; then res and err are set
	done    chan struct{} // closed when the query is over and its connection released
	cur     [][]any
	i       int
	over    bool

	startErr error   // the query failed before its first row (set before ready closes)
	res      *Result // the Result without rows (set before batches closes)
	err      error   // the error that ended the query (set before batches closes)
	closed   bool
}

// Stream runs one query like Query and yields its rows as they are read,
// so that memory holds a few hundred rows at a time whatever the size of
// the answer. Stream returns once the columns are known (or the query
// failed); the query holds one of the engine's connections until the last
// row is read or Close is called, and stops when ctx ends or Close is
// called. Options.MaxRows caps the rows: Truncated says when the cap cut
// the answer short.
//
// DuckDB's Go driver hands a query's result over when DuckDB has finished
// it; the cap is part of the query DuckDB runs, so it never produces more
// rows than the cap and one.
func (e *Engine) Stream(ctx context.Context, query string, args ...any) (*Rows, error) {
	ctx, cancel := context.WithCancel(ctx)
	r := &Rows{
		cancel:  cancel,
		ready:   make(chan struct{}),
		batches: make(chan [][]any),
		done:    make(chan struct{}),
	}
	go r.produce(ctx, e, query, args)
	<-r.ready
	if r.startErr != nil {
		<-r.done
		cancel()
		return nil, r.startErr
	}
	return r, nil
}

// streamBatch is the most rows a batch of Rows holds. The first batches
// are smaller, so that the first rows arrive at once.
const streamBatch = 512

// produce runs the query and hands its rows over in batches.
func (r *Rows) produce(ctx context.Context, e *Engine, query string, args []any) {
	defer close(r.done)
	size := 1
	var batch [][]any
	flush := func() error {
		select {
		case r.batches <- batch:
			batch = make([][]any, 0, size)
			size = min(2*size, streamBatch)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	started := false
	res, err := e.each(ctx, query, args, &sink{
		columns: func(cols []Column) error {
			r.cols, started = cols, true
			close(r.ready)
			return nil
		},
		row: func(row []any) error {
			batch = append(batch, row)
			if len(batch) >= size {
				return flush()
			}
			return nil
		},
	})
	if !started {
		r.startErr = err
		close(r.ready)
		return
	}
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	r.res, r.err = res, err
	close(r.batches)
}

// Columns are the columns of the rows, with Athena's names and types.
func (r *Rows) Columns() []Column { return r.cols }

// Next moves to the next row, reporting whether there is one. It returns
// false after the last row, when the query failed (see Err), and after
// Close.
func (r *Rows) Next() bool {
	if r.closed || r.over {
		return false
	}
	if r.i+1 < len(r.cur) {
		r.i++
		return true
	}
	for {
		b, ok := <-r.batches
		if !ok {
			r.over, r.cur = true, nil
			<-r.done
			return false
		}
		if len(b) > 0 {
			r.cur, r.i = b, 0
			return true
		}
	}
}

// Row is the current row: one value per column, of the types Result.Rows
// holds. The slice is the caller's to keep.
func (r *Rows) Row() []any {
	if r.cur == nil {
		return nil
	}
	return r.cur[r.i]
}

// Err is the error that ended the query, if any, once Next returned
// false.
func (r *Rows) Err() error {
	if !r.over {
		return nil
	}
	return r.err
}

// Truncated says that Options.MaxRows cut the answer short: there were
// more rows than the ones read. It is known once Next returned false.
func (r *Rows) Truncated() bool { return r.over && r.res != nil && r.res.Truncated }

// Stats are the query's scan statistics, known once Next returned false
// without an error.
func (r *Rows) Stats() Stats {
	if !r.over || r.res == nil {
		return Stats{Partitions: -1}
	}
	return r.res.Stats
}

// SQL is the DuckDB SQL that ran, known once Next returned false without
// an error.
func (r *Rows) SQL() string {
	if !r.over || r.res == nil {
		return ""
	}
	return r.res.SQL
}

// Close ends the query if it is still running, waits until its connection
// is released, and returns the query's error (nil when it ended early
// because of Close).
func (r *Rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.cancel()
	<-r.done
	if r.over {
		return r.err
	}
	return nil
}
