package gen

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// Defaults of Options, also the defaults of `trailsql gen`.
const (
	DefaultEvents   = 10000
	DefaultAccounts = 3
	DefaultRegions  = 3
	DefaultDays     = 3
	DefaultSeed     = 1
	DefaultOrg      = "o-a1b2c3d4e5"
	// DefaultWindow is CloudTrail's delivery interval.
	DefaultWindow = 5 * time.Minute
	// DefaultStart is the first day written, chosen so that ScenarioDay is
	// covered by the default three days.
	DefaultStart = "2019-09-28"
)

// Limits of Options.
const (
	MaxAccounts = 1000
	MaxDays     = 366
	MaxEvents   = 1_000_000_000
)

// Regions are the AWS regions written, in order: a run with Regions = R uses
// the first R of them.
var regionNames = [...]string{
	"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2",
	"us-east-2", "us-west-1", "eu-west-2", "ap-northeast-1", "ap-southeast-1",
	"ca-central-1", "eu-north-1", "ap-south-1", "sa-east-1", "eu-west-3",
	"ap-northeast-2", "ap-northeast-3",
}

// MaxRegions is the number of regions the generator knows.
const MaxRegions = len(regionNames)

// Regions returns the names of the first n regions the generator writes
// (all of them when n is out of range).
func Regions(n int) []string {
	if n <= 0 || n > len(regionNames) {
		n = len(regionNames)
	}
	return append([]string(nil), regionNames[:n]...)
}

// Options configures Generate. The zero value of a field means its default,
// except Events (zero writes nothing), Seed (zero is a seed like any other)
// and Org (empty writes the single-account layout AWSLogs/<account>/...).
type Options struct {
	// Dir is the folder the AWSLogs tree is written under. Required.
	Dir string
	// Events is the exact number of records written, duplicates included.
	Events int64
	// Accounts is the number of AWS accounts (1..MaxAccounts).
	Accounts int
	// Regions is the number of regions per account (1..MaxRegions).
	Regions int
	// Days is the number of days covered (1..MaxDays).
	Days int
	// Seed selects the data set: the same options write the same bytes.
	Seed uint64
	// Start is the first day (UTC); its time of day is ignored.
	Start time.Time
	// Org is the organization id of an organization trail (o-...), or empty.
	Org string
	// Workers is the number of files written at once (default: the number
	// of CPUs).
	Workers int
	// Window is the delivery interval: each account and region gets one
	// file per window that has events, more when the window has over 250
	// records per five minutes of its length. The default is CloudTrail's
	// DefaultWindow; a longer window writes fewer, bigger files (the
	// benchmarks use an hour for a busy account's trail). It is a whole
	// number of minutes that divides a day.
	Window time.Duration
}

var orgRE = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)

// withDefaults returns a copy of o with the defaults filled in.
func (o Options) withDefaults() Options {
	if o.Accounts == 0 {
		o.Accounts = DefaultAccounts
	}
	if o.Regions == 0 {
		o.Regions = DefaultRegions
	}
	if o.Days == 0 {
		o.Days = DefaultDays
	}
	if o.Start.IsZero() {
		o.Start, _ = time.Parse(time.DateOnly, DefaultStart)
	}
	o.Start = time.Date(o.Start.Year(), o.Start.Month(), o.Start.Day(), 0, 0, 0, 0, time.UTC)
	if o.Workers == 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	return o
}

// OptionsError lists every problem found in an Options value.
type OptionsError struct {
	Problems []string
}

func (e *OptionsError) Error() string {
	return "gen: invalid options: " + strings.Join(e.Problems, "; ")
}

// Validate fills in the defaults of o and checks it, reporting every
// problem together in one *OptionsError.
func (o Options) Validate() error {
	_, err := o.validated()
	return err
}

func (o Options) validated() (Options, error) {
	o = o.withDefaults()
	var p []string
	if o.Dir == "" {
		p = append(p, "the output folder is not set")
	}
	if o.Events < 0 || o.Events > MaxEvents {
		p = append(p, fmt.Sprintf("events %d is out of range 0..%d", o.Events, MaxEvents))
	}
	if o.Accounts < 1 || o.Accounts > MaxAccounts {
		p = append(p, fmt.Sprintf("accounts %d is out of range 1..%d", o.Accounts, MaxAccounts))
	}
	if o.Regions < 1 || o.Regions > MaxRegions {
		p = append(p, fmt.Sprintf("regions %d is out of range 1..%d", o.Regions, MaxRegions))
	}
	if o.Days < 1 || o.Days > MaxDays {
		p = append(p, fmt.Sprintf("days %d is out of range 1..%d", o.Days, MaxDays))
	}
	if y := o.Start.Year(); y < 2000 || y > 2999 {
		p = append(p, fmt.Sprintf("start %s is not between 2000 and 2999", o.Start.Format(time.DateOnly)))
	}
	if o.Org != "" && !orgRE.MatchString(o.Org) {
		p = append(p, fmt.Sprintf("organization id %q does not look like o-xxxxxxxxxx", o.Org))
	}
	if o.Workers < 1 {
		p = append(p, fmt.Sprintf("workers %d is below 1", o.Workers))
	}
	if o.Window < time.Minute || o.Window > 24*time.Hour || o.Window%time.Minute != 0 || (24*time.Hour)%o.Window != 0 {
		p = append(p, fmt.Sprintf("window %s is not a whole number of minutes that divides a day", o.Window))
	}
	if len(p) > 0 {
		return o, &OptionsError{Problems: p}
	}
	return o, nil
}

// Stats counts what Generate wrote.
type Stats struct {
	// Files is the number of log files written (Insights files included).
	Files int64
	// Events is the number of records written, duplicates included.
	Events int64
	// Duplicates is the number of records that repeat a record written in
	// an earlier file (as CloudTrail's at-least-once delivery does).
	Duplicates int64
	// Insights is the number of Insights records (under CloudTrail-Insight).
	Insights int64
	// Scenario is the number of planted records: zero when Events <
	// ScenarioMinEvents, ScenarioEvents without the detection scenarios,
	// PlantedEvents with them.
	Scenario int64
	// JSONBytes is the size of the records as JSON, before compression.
	JSONBytes int64
	// GzipBytes is the size of the files written.
	GzipBytes int64
	// Accounts are the account ids written; the first is the organization's
	// management account, where the scenarios are planted.
	Accounts []string
}
