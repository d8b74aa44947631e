package cloudtrail

import (
	"strings"
	"time"
)

// KeyKind says what a log object is, judged by its key (or path).
type KeyKind int

// The kinds of object found in a trail bucket.
const (
	// KeyPlain is an object outside the AWSLogs layout (any .json/.json.gz file).
	KeyPlain KeyKind = iota
	// KeyLog is a CloudTrail log file (management and data events).
	KeyLog
	// KeyInsight is a CloudTrail Insights log file.
	KeyInsight
	// KeyNetworkActivity is a CloudTrail network activity log file.
	KeyNetworkActivity
	// KeyDigest is a CloudTrail digest file.
	KeyDigest
	// KeyForeign is an object that trail buckets hold but that is not a
	// CloudTrail log (AWS Config, Control Tower, ELB or VPC flow logs,
	// S3 access checks).
	KeyForeign
)

func (k KeyKind) String() string {
	switch k {
	case KeyLog:
		return "log"
	case KeyInsight:
		return "insight"
	case KeyNetworkActivity:
		return "network-activity"
	case KeyDigest:
		return "digest"
	case KeyForeign:
		return "foreign"
	}
	return "plain"
}

// IsEvents reports whether objects of this kind hold events.
func (k KeyKind) IsEvents() bool {
	return k == KeyPlain || k == KeyLog || k == KeyInsight || k == KeyNetworkActivity
}

// Key is what an object key tells about its object:
// AWSLogs/[o-org/]<account>/CloudTrail[-Digest|-Insight|-NetworkActivity]/<region>/<yyyy>/<mm>/<dd>/<file>.
// Fields the key does not have are empty.
type Key struct {
	Kind    KeyKind
	Org     string // organization id (o-...) for organization trails
	Account string
	Region  string
	Date    time.Time // the day of the folder, UTC; zero when unknown
	Name    string    // the file name
}

// ParseKey reads the CloudTrail layout out of an object key or a file path
// (with / or \ separators). The AWSLogs folder may sit under any prefix.
func ParseKey(key string) Key {
	key = strings.ReplaceAll(key, "\\", "/")
	var k Key
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		k.Name = key[i+1:]
	} else {
		k.Name = key
	}
	parts := strings.Split(key, "/")
	at := -1
	for i, p := range parts {
		if p == "AWSLogs" {
			at = i
		}
	}
	if at < 0 {
		k.Kind = plainKind(k.Name)
		return k
	}
	rest := parts[at+1:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
		k.Org = rest[0]
		rest = rest[1:]
	}
	if len(rest) < 2 {
		k.Kind = plainKind(k.Name)
		if len(rest) == 0 {
			return k
		}
	}
	k.Account = rest[0]
	if len(rest) < 2 {
		return k
	}
	switch rest[1] {
	case "CloudTrail":
		k.Kind = KeyLog
	case "CloudTrail-Digest":
		k.Kind = KeyDigest
	case "CloudTrail-Insight":
		k.Kind = KeyInsight
	case "CloudTrail-NetworkActivity":
		k.Kind = KeyNetworkActivity
	default:
		k.Kind = KeyForeign
		return k
	}
	if len(rest) > 2 && len(rest) > 3 {
		k.Region = rest[2]
	}
	if len(rest) >= 7 {
		if t, err := time.Parse("2006/01/02", rest[3]+"/"+rest[4]+"/"+rest[5]); err == nil {
			k.Date = t
		}
	}
	if k.Kind != KeyDigest && !hasLogExt(k.Name) {
		// Files such as ConfigWritabilityCheckFile or CloudTrail's bucket
		// access test objects.
		k.Kind = KeyForeign
	}
	return k
}

func plainKind(name string) KeyKind {
	if hasLogExt(name) {
		return KeyPlain
	}
	return KeyForeign
}

// logExts are the file name endings that may hold events.
var logExts = []string{".json.gz", ".json", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".log", ".log.gz", ".gz"}

func hasLogExt(name string) bool {
	n := strings.ToLower(name)
	for _, e := range logExts {
		if strings.HasSuffix(n, e) {
			return true
		}
	}
	return false
}

// Prefix returns the key prefix, below the AWSLogs folder of root, that
// holds one account's logs of one kind for one region and day; parts left
// empty end the prefix early. It is used to list only what a filter asks for.
func Prefix(org, account, kind, region string, day time.Time) string {
	var b strings.Builder
	b.WriteString("AWSLogs/")
	if org != "" {
		b.WriteString(org + "/")
	}
	if account == "" {
		return b.String()
	}
	b.WriteString(account + "/" + kind + "/")
	if region == "" {
		return b.String()
	}
	b.WriteString(region + "/")
	if day.IsZero() {
		return b.String()
	}
	b.WriteString(day.Format("2006/01/02/"))
	return b.String()
}
