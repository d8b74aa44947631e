package alert

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/trailsql/trailsql/internal/detect"
)

// Sink sends findings somewhere. Send returns nil only when the receiver
// acknowledged the finding; an error marked by Permanent means it never
// will, any other error that a later try may succeed.
type Sink interface {
	// Name identifies the sink in the outbox: a stable, file-name-safe id
	// derived from its configuration ("stdout", "webhook-1a2b3c4d").
	Name() string
	Send(ctx context.Context, f *detect.Finding) error
}

// permanentError marks an error that a retry cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix (the receiver
// refused the request): the entry is moved to failed/.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err was marked by Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// httpStatusError is a non-2xx answer.
func httpStatusError(sink string, code int, body []byte) error {
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	err := fmt.Errorf("%s answered %d %s", sink, code, msg)
	// A redirect is a refusal too: a POST followed becomes a GET.
	if code < 500 && code != 408 && code != 429 {
		return Permanent(err)
	}
	return err
}

// sinkID is a short, stable hash of a sink's address, so that the outbox
// of one webhook is not sent to another.
func sinkID(kind, addr string) string {
	h := sha256.Sum256([]byte(addr))
	return kind + "-" + hex.EncodeToString(h[:4])
}

// Levels are the Sigma levels, from least to most severe.
var levels = []string{"informational", "low", "medium", "high", "critical"}

// levelRank returns the rank of a level (0 for informational), or -1.
func levelRank(level string) int {
	for i, l := range levels {
		if strings.EqualFold(level, l) {
			return i
		}
	}
	return -1
}

// Summary is the one-line description of a finding that people read:
// level, title, principal, account/region and the first event's time.
func Summary(f *detect.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s", strings.ToUpper(orDash(f.Level)), orDash(f.Title))
	fmt.Fprintf(&b, " by %s", orDash(f.Principal))
	fmt.Fprintf(&b, " in %s/%s", orDash(f.Account), orDash(f.Region))
	if !f.First.IsZero() {
		fmt.Fprintf(&b, " at %s", f.First.UTC().Format(time.RFC3339))
	}
	if f.Events > 1 {
		fmt.Fprintf(&b, " (%d events)", f.Events)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
