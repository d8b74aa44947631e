package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/trailsql/trailsql/internal/detect"
)

// Stream writes each finding as one JSON line (the Finding's own fields,
// including its dedup "key") to a writer, usually stdout. A write that
// completes is the acknowledgement.
type Stream struct {
	name string
	mu   sync.Mutex
	w    io.Writer
}

// NewStream returns a sink that writes JSON lines to w; name identifies
// it in the outbox ("stdout").
func NewStream(name string, w io.Writer) *Stream { return &Stream{name: name, w: w} }

// Name implements Sink.
func (s *Stream) Name() string { return s.name }

// Send implements Sink.
func (s *Stream) Send(ctx context.Context, f *detect.Finding) error {
	b, err := json.Marshal(f)
	if err != nil {
		return Permanent(fmt.Errorf("cannot encode finding %s: %w", f.Key, err))
	}
	b = append(b, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("cannot write finding %s to %s: %w", f.Key, s.name, err)
	}
	return nil
}
