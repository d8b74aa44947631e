package source

import (
	"errors"
	"slices"
	"strconv"
	"time"
)

// ErrUnreachable marks the errors that say a source as a whole cannot be
// read: its S3 endpoint refuses connections or has no address, its
// credentials are rejected, its folder is gone. Every other object of the
// source would fail the same way, so a run that meets one stops at once.
var ErrUnreachable = errors.New("source: unreachable")

// ErrNoAnswer marks the errors of reads that got no answer about their
// object: a connection that broke, a request the store dropped. They may be
// the first signs of a source that is going away; a run that then finds it
// unreachable does not report them one by one.
var ErrNoAnswer = errors.New("source: no answer")

// IsUnreachable reports whether err says that a source cannot be read at
// all (it is marked ErrUnreachable), as opposed to one object or prefix.
func IsUnreachable(err error) bool { return errors.Is(err, ErrUnreachable) }

// UnreachableError is the error of a source that cannot be read at all:
// which source, where, and why in a few words. It wraps the error of the
// request or file operation that found it, and matches ErrUnreachable.
type UnreachableError struct {
	Source string // s3://bucket, or the folder
	Where  string // "at <endpoint>" or "in <region>" for S3; empty for folders
	Cause  string
	Err    error
}

func (e *UnreachableError) Error() string {
	s := "cannot reach " + e.Source
	if e.Where != "" {
		s += " " + e.Where
	}
	return s + ": " + e.Cause
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnreachable) true.
func (e *UnreachableError) Is(target error) bool { return target == ErrUnreachable }

// Object is one listed object.
type Object struct {
	// Key identifies the object across runs: an absolute path for local
	// files, s3://bucket/key for S3.
	Key string
	// Rel is the key relative to the source root, in / form; the CloudTrail
	// layout is read from it.
	Rel     string
	Size    int64
	ETag    string
	ModTime time.Time
}

// Filter selects objects by what their keys say. Zero fields select all.
type Filter struct {
	Since, Until time.Time // days, inclusive; Until is the last day
	Accounts     []string
	Regions      []string
}

// IsZero reports whether f selects everything.
func (f Filter) IsZero() bool {
	return f.Since.IsZero() && f.Until.IsZero() && len(f.Accounts) == 0 && len(f.Regions) == 0
}

// AccountOK reports whether account a passes the filter.
func (f Filter) AccountOK(a string) bool {
	return len(f.Accounts) == 0 || slices.Contains(f.Accounts, a)
}

// RegionOK reports whether region r passes the filter.
func (f Filter) RegionOK(r string) bool { return len(f.Regions) == 0 || slices.Contains(f.Regions, r) }

// DayOK reports whether day d (UTC midnight) passes the filter.
func (f Filter) DayOK(d time.Time) bool {
	if !f.Since.IsZero() && d.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && d.After(f.Until) {
		return false
	}
	return true
}

// PathOK reports whether the folders below an AWSLogs account folder
// (kind, region, yyyy, mm, dd — as many as are known) can hold objects the
// filter selects.
func (f Filter) PathOK(parts []string) bool {
	if len(parts) >= 2 && !f.RegionOK(parts[1]) {
		return false
	}
	if len(parts) < 3 || (f.Since.IsZero() && f.Until.IsZero()) {
		return true
	}
	y, err := strconv.Atoi(parts[2])
	if err != nil {
		return true
	}
	lo := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
	if len(parts) >= 4 {
		if m, err := strconv.Atoi(parts[3]); err == nil && m >= 1 && m <= 12 {
			lo = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
			hi = lo.AddDate(0, 1, -1)
			if len(parts) >= 5 {
				if d, err := strconv.Atoi(parts[4]); err == nil {
					lo = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
					hi = lo
				}
			}
		}
	}
	if !f.Since.IsZero() && hi.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && lo.After(f.Until) {
		return false
	}
	return true
}
