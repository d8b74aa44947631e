package cloudtrail

import (
	"errors"
	"fmt"
	"time"
)

// Partition is the Hive partition an event is stored under.
type Partition struct {
	Account, Region, Year, Month, Day string
}

// Path returns the partition's folder below the table folder, in Hive form.
func (p Partition) Path() string {
	return "account=" + p.Account + "/region=" + p.Region + "/year=" + p.Year + "/month=" + p.Month + "/day=" + p.Day
}

// UnknownValue stands for an account or region that is missing, or that
// cannot be a folder name (e.g. "..." or "700***").
const UnknownValue = "unknown"

// ErrNoEventTime marks a record without a usable eventTime.
var ErrNoEventTime = errors.New("no usable eventTime")

// PartitionOf decides e's partition: the account from recipientAccountId, the
// region from awsRegion and the day from eventTime (in UTC), falling back to
// what the object key k says only where the record lacks a value. It also
// fills e.EventTimestamp. A record whose eventTime is missing or cannot be
// read is an error: it has no place in a time-partitioned table.
func PartitionOf(e *Event, k Key) (Partition, error) {
	return partitionOf(e, k, new(int64))
}

// partitionOf is PartitionOf, with ts the memory e.EventTimestamp points to.
func partitionOf(e *Event, k Key, ts *int64) (Partition, error) {
	if e.EventTime == nil {
		return Partition{}, fmt.Errorf("%w: the record has none", ErrNoEventTime)
	}
	t, err := ParseTime(*e.EventTime)
	if err != nil {
		return Partition{}, fmt.Errorf("%w: %q is not a time", ErrNoEventTime, *e.EventTime)
	}
	*ts = t.UnixMicro()
	e.EventTimestamp = ts
	p := Partition{
		Account: partValue(e.RecipientAccountID, k.Account),
		Region:  partValue(e.AWSRegion, k.Region),
		Year:    yearString(t.Year()),
		Month:   twoDigits[t.Month()],
		Day:     twoDigits[t.Day()],
	}
	return p, nil
}

// twoDigits are the months and days as partition values: "01" to "31".
var twoDigits = func() (d [32]string) {
	for i := range d {
		d[i] = fmt.Sprintf("%02d", i)
	}
	return d
}()

// yearString is t.Format("2006") for year y, without allocating for the
// years of CloudTrail.
func yearString(y int) string {
	if y >= 2000 && y < 2100 {
		return years[y-2000]
	}
	return fmt.Sprintf("%04d", y)
}

var years = func() (s [100]string) {
	for i := range s {
		s[i] = fmt.Sprintf("%04d", 2000+i)
	}
	return s
}()

func partValue(v *string, fallback string) string {
	if v != nil && *v != "" {
		if safePart(*v) {
			return *v
		}
		return UnknownValue
	}
	if fallback != "" && safePart(fallback) {
		return fallback
	}
	return UnknownValue
}

// safePart reports whether s can be a partition folder name as it is:
// letters, digits, '-' and '_', not starting with '-' or '_', at most 64 bytes.
func safePart(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] == '-' || s[0] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// timeLayouts are the eventTime forms found in real sources, besides
// CloudTrail's own "2006-01-02T15:04:05Z".
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
}

// ParseTime reads an eventTime value. CloudTrail writes
// "2006-01-02T15:04:05Z"; other sources add fractions, offsets or a space.
// Times without an offset are taken as UTC.
func ParseTime(s string) (time.Time, error) {
	if len(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' {
		if t, ok := fastTime(s); ok {
			return t, nil
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse time %q", s)
}

func fastTime(s string) (time.Time, bool) {
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	se, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}
