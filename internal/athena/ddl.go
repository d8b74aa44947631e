package athena

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Dialect is the SQL engine the statements are for.
type Dialect string

// The dialects DDL writes.
const (
	// Athena: Hive DDL (CREATE EXTERNAL TABLE, Glue partition projection)
	// and Athena (Trino) SQL views.
	Athena Dialect = "athena"
	// Trino: CREATE TABLE in a Trino Hive catalog, with Trino's partition
	// projection properties.
	Trino Dialect = "trino"
)

// Options say what to write. Lake or Raw (or both) must be set.
type Options struct {
	Dialect Dialect
	// Catalog (Trino only) and Database qualify the names when set;
	// otherwise the session's catalog and database apply.
	Catalog, Database string
	// Table names the lake's table (default "cloudtrail"). The raw table
	// is Table+"_raw" when a lake is given, else Table.
	Table string
	// Lake is the S3 lake, s3://bucket[/prefix]/ (its table is below it,
	// in cloudtrail/).
	Lake string
	// Raw is the trail's AWSLogs folder, s3://bucket/[prefix/]AWSLogs/ or,
	// for an organization trail, s3://bucket/[prefix/]AWSLogs/o-xxxx/.
	Raw string
	// Accounts are the accounts to project, and to make per-account
	// views for.
	Accounts []string
	// Regions are the regions to project in the raw table (the lake's
	// table has region as a column, not a partition).
	Regions []string
	// FirstYear is the first year projected (to NOW).
	FirstYear int
}

// placeColumns say where an event was logged; every table and view has
// them, so that queries run unchanged on any of them.
var placeColumns = []string{"account", "region", "year", "month", "day"}

// The partition columns, in folder order: the lake's buckets are one
// folder per account and month (lake.Bucket), with region and day as
// columns of their files; CloudTrail writes one folder per account,
// region and day.
var (
	lakePartitions = []string{"account", "year", "month"}
	rawPartitions  = placeColumns
)

var (
	partValueRE = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)
	nameRE      = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// Validate checks the options and fills in the defaults; it reports every
// problem at once.
func (o *Options) Validate() error {
	var errs []error
	if o.Dialect == "" {
		o.Dialect = Athena
	}
	if o.Dialect != Athena && o.Dialect != Trino {
		errs = append(errs, fmt.Errorf("dialect %q is not athena or trino", o.Dialect))
	}
	if o.Table == "" {
		o.Table = "cloudtrail"
	}
	for _, n := range []string{o.Table, o.Database, o.Catalog} {
		if n != "" && !nameRE.MatchString(n) {
			errs = append(errs, fmt.Errorf("%q is not a table, database or catalog name (lower-case letters, digits, _)", n))
		}
	}
	if o.Lake == "" && o.Raw == "" {
		errs = append(errs, errors.New("give the lake (s3://...) or the raw trail (s3://.../AWSLogs/[o-org/]), or both"))
	}
	if o.Lake != "" {
		if !strings.HasPrefix(o.Lake, "s3://") || len(o.Lake) <= len("s3://") {
			errs = append(errs, fmt.Errorf("lake %q is not an s3:// URL", o.Lake))
		}
		o.Lake = strings.TrimSuffix(o.Lake, "/") + "/"
	}
	if o.Raw != "" {
		o.Raw = strings.TrimSuffix(o.Raw, "/") + "/"
		parts := strings.Split(strings.TrimSuffix(o.Raw, "/"), "/")
		last := parts[len(parts)-1]
		if strings.HasPrefix(last, "o-") && len(parts) > 1 {
			last = parts[len(parts)-2]
		}
		if !strings.HasPrefix(o.Raw, "s3://") || last != "AWSLogs" {
			errs = append(errs, fmt.Errorf("raw trail %q is not s3://bucket/[prefix/]AWSLogs/[o-org/]", o.Raw))
		}
	}
	if len(o.Accounts) == 0 {
		errs = append(errs, errors.New("no account to project (none found; give --account)"))
	}
	if o.Raw != "" && len(o.Regions) == 0 {
		errs = append(errs, errors.New("no region to project in the raw table (none found; give --region)"))
	}
	for _, v := range append(slices.Clone(o.Accounts), o.Regions...) {
		if !partValueRE.MatchString(v) {
			errs = append(errs, fmt.Errorf("%q cannot be a partition value", v))
		}
	}
	o.Accounts = sortedUnique(o.Accounts)
	o.Regions = sortedUnique(o.Regions)
	if o.FirstYear == 0 {
		o.FirstYear = 2013 // CloudTrail's first year
	}
	if o.FirstYear < 2000 || o.FirstYear > 9999 {
		errs = append(errs, fmt.Errorf("first year %d is out of range", o.FirstYear))
	}
	return errors.Join(errs...)
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Write writes the statements, each ended by a semicolon and a blank line.
func Write(w io.Writer, opts Options) error {
	if err := opts.Validate(); err != nil {
		return err
	}
	d := &ddl{o: opts}
	d.header()
	base := opts.Table
	if opts.Lake != "" {
		d.lakeTable()
	}
	if opts.Raw != "" {
		raw := d.rawTable()
		if opts.Lake == "" {
			base = raw
		}
	}
	d.views(base)
	_, err := io.WriteString(w, d.b.String())
	return err
}

type ddl struct {
	o Options
	b strings.Builder
}

func (d *ddl) p(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

// name qualifies a table or view name.
func (d *ddl) name(n string) string {
	q := d.ident
	if d.o.Dialect == Athena {
		q = func(s string) string { return "`" + s + "`" }
	}
	switch {
	case d.o.Dialect == Trino && d.o.Catalog != "" && d.o.Database != "":
		return d.ident(d.o.Catalog) + "." + d.ident(d.o.Database) + "." + n
	case d.o.Database != "":
		return q(d.o.Database) + "." + n
	}
	return n
}

// viewName qualifies a name in a view's SQL (Trino syntax in both
// dialects).
func (d *ddl) viewName(n string) string {
	switch {
	case d.o.Dialect == Trino && d.o.Catalog != "" && d.o.Database != "":
		return trinoIdent(d.o.Catalog) + "." + trinoIdent(d.o.Database) + "." + n
	case d.o.Database != "":
		return trinoIdent(d.o.Database) + "." + n
	}
	return n
}

func (d *ddl) ident(s string) string {
	if d.o.Dialect == Trino {
		return trinoIdent(s)
	}
	return hiveIdent(s)
}

func (d *ddl) header() {
	var what, proj []string
	if d.o.Lake != "" {
		what = append(what, "the Parquet lake "+d.o.Lake)
		proj = append(proj, "on "+strings.Join(lakePartitions, ", "))
	}
	if d.o.Raw != "" {
		what = append(what, "the CloudTrail logs "+d.o.Raw)
		proj = append(proj, "on "+strings.Join(rawPartitions, ", "))
	}
	if len(proj) == 2 {
		proj[0] += " (the lake)"
		proj[1] += " (the logs)"
	}
	d.p("-- trailsql athena ddl --dialect %s: tables over %s,\n", d.o.Dialect, strings.Join(what, " and "))
	d.p("-- with partition projection %s; then views.\n", strings.Join(proj, " and "))
	if d.o.Lake != "" {
		d.p("-- Columns are generated from the lake's Parquet schema (lake.Row: cloudtrail.Event, then region, day).\n")
	} else {
		d.p("-- Columns are generated from the lake's Parquet schema (cloudtrail.Event).\n")
	}
	if d.o.Raw != "" {
		d.p("-- Accounts: %s. Regions: %s. Years: %d to now.\n", strings.Join(d.o.Accounts, ", "), strings.Join(d.o.Regions, ", "), d.o.FirstYear)
		d.p("-- Rerun this command when accounts or regions appear, to add them to the projection.\n\n")
		return
	}
	d.p("-- Accounts: %s. Years: %d to now.\n", strings.Join(d.o.Accounts, ", "), d.o.FirstYear)
	d.p("-- Rerun this command when accounts appear, to add them to the projection.\n\n")
}

func (d *ddl) lakeTable() {
	loc := d.o.Lake + "cloudtrail/"
	template := loc + "account=${account}/year=${year}/month=${month}"
	d.p("-- (a) The Parquet lake that trailsql writes: one folder per account and month,\n")
	d.p("-- whose files hold the region and day of each event as columns (in SELECT *,\n")
	d.p("-- region and day come before the partition columns account, year and month).\n")
	d.p("-- Run 'trailsql compact' first on a lake written by an older trailsql: this\n")
	d.p("-- table does not read its account/region/year/month/day folders.\n")
	if d.o.Dialect == Trino {
		d.p("CREATE TABLE IF NOT EXISTS %s (\n", d.name(d.o.Table))
		d.trinoColumns(Columns(), "  ")
		d.trinoPartitions(lakePartitions)
		d.p(")\nWITH (\n  format = 'PARQUET',\n  external_location = '%s',\n", loc)
		d.trinoTableProjection(lakePartitions, template)
		return
	}
	d.p("CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n", d.name(d.o.Table))
	d.hiveColumns(Columns())
	d.hivePartitions(lakePartitions)
	d.p("STORED AS PARQUET\nLOCATION '%s'\n", loc)
	d.hiveProjection(lakePartitions, template)
}

// rawTable writes the table over the CloudTrail JSON files and returns the
// name of the table (or, in Trino, the view) of their events.
func (d *ddl) rawTable() string {
	name := d.o.Table
	if d.o.Lake != "" {
		name += "_raw"
	}
	template := d.o.Raw + "${account}/CloudTrail/${region}/${year}/${month}/${day}"
	d.p("-- (b) The CloudTrail log files as CloudTrail writes them, in place (AWS's\n")
	d.p("-- partition projection for CloudTrail, with the date split into year, month\n")
	d.p("-- and day so that queries written for the lake run unchanged).\n")
	if d.o.Dialect == Trino {
		// Trino's JSON format reads a file's line as one row: CloudTrail
		// writes {"Records":[...]} on one line, so a row is a file and
		// its records are unnested by the view below.
		files := name + "_files"
		d.p("CREATE TABLE IF NOT EXISTS %s (\n  records ARRAY(%s),\n", d.name(files), trinoType(Type{Kind: Struct, Fields: SourceColumns()}, "  ", false))
		d.trinoPartitions(rawPartitions)
		d.p(")\nWITH (\n  format = 'JSON',\n  external_location = '%s',\n", d.o.Raw)
		d.trinoTableProjection(rawPartitions, template)
		cols := SourceColumns()
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = trinoIdent(c.Name)
		}
		d.p("CREATE OR REPLACE VIEW %s AS\nSELECT\n  %s,\n  %s\nFROM %s\nCROSS JOIN UNNEST(records) AS t (\n  %s\n);\n\n",
			d.viewName(name), strings.Join(names, ",\n  "), strings.Join(placeColumns, ", "), d.viewName(files), strings.Join(names, ",\n  "))
		return name
	}
	d.p("CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n", d.name(name))
	d.hiveColumns(SourceColumns())
	d.hivePartitions(rawPartitions)
	d.p("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n")
	d.p("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n")
	d.p("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
	d.p("LOCATION '%s'\n", d.o.Raw)
	d.hiveProjection(rawPartitions, template)
	return name
}

func (d *ddl) views(base string) {
	d.p("-- (c) The union view of every account, one view per account, and the view\n")
	d.p("-- of records lists for SELECT ... FROM logs CROSS JOIN UNNEST(records) AS t(record).\n")
	from := d.viewName(base)
	d.p("CREATE OR REPLACE VIEW %s AS\nSELECT * FROM %s;\n\n", d.viewName("cloudtrail_logs"), from)
	for _, a := range d.o.Accounts {
		d.p("CREATE OR REPLACE VIEW %s AS\nSELECT * FROM %s WHERE account = '%s';\n\n", d.viewName(trinoIdent("cloudtrail_"+a)), from, a)
	}
	cols := SourceColumns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = trinoIdent(c.Name)
	}
	rowType := trinoType(Type{Kind: Struct, Fields: cols}, "    ", d.o.Dialect == Athena)
	d.p("CREATE OR REPLACE VIEW %s AS\nSELECT\n  %s,\n  ARRAY[CAST(ROW(\n    %s\n  ) AS %s)] AS records\nFROM %s;\n",
		d.viewName("logs"), strings.Join(placeColumns, ", "), strings.Join(names, ",\n    "), rowType, from)
}

// Hive DDL (Athena).

func (d *ddl) hiveColumns(cols []Column) {
	for i, c := range cols {
		sep := ","
		if i == len(cols)-1 {
			sep = ""
		}
		d.p("  %s %s%s\n", hiveIdent(c.Name), hiveType(c.Type, "  "), sep)
	}
	d.p(")\n")
}

func (d *ddl) hivePartitions(cols []string) {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "  " + hiveIdent(c) + " STRING"
	}
	d.p("PARTITIONED BY (\n%s\n)\n", strings.Join(parts, ",\n"))
}

func (d *ddl) hiveProjection(cols []string, template string) {
	props := [][2]string{{"projection.enabled", "true"}}
	for _, c := range cols {
		switch c {
		case "account":
			props = append(props, [][2]string{
				{"projection.account.type", "enum"},
				{"projection.account.values", strings.Join(d.o.Accounts, ",")},
			}...)
		case "region":
			props = append(props, [][2]string{
				{"projection.region.type", "enum"},
				{"projection.region.values", strings.Join(d.o.Regions, ",")},
			}...)
		case "year":
			props = append(props, [][2]string{
				{"projection.year.type", "date"},
				{"projection.year.format", "yyyy"},
				{"projection.year.range", fmt.Sprintf("%d,NOW", d.o.FirstYear)},
				{"projection.year.interval", "1"},
				{"projection.year.interval.unit", "YEARS"},
			}...)
		case "month":
			props = append(props, [][2]string{
				{"projection.month.type", "integer"},
				{"projection.month.range", "1,12"},
				{"projection.month.digits", "2"},
			}...)
		case "day":
			props = append(props, [][2]string{
				{"projection.day.type", "integer"},
				{"projection.day.range", "1,31"},
				{"projection.day.digits", "2"},
			}...)
		default:
			panic("BUG: no projection for partition column " + c)
		}
	}
	props = append(props, [2]string{"storage.location.template", template})
	lines := make([]string, len(props))
	for i, kv := range props {
		lines[i] = fmt.Sprintf("  '%s'='%s'", kv[0], kv[1])
	}
	d.p("TBLPROPERTIES (\n%s\n);\n\n", strings.Join(lines, ",\n"))
}

func hiveType(t Type, indent string) string {
	switch t.Kind {
	case String:
		return "STRING"
	case BigInt:
		return "BIGINT"
	case Timestamp:
		return "TIMESTAMP"
	case Array:
		return "ARRAY<" + hiveType(*t.Elem, indent) + ">"
	}
	inner := indent + "  "
	fields := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		fields[i] = inner + hiveIdent(f.Name) + ": " + hiveType(f.Type, inner)
	}
	return "STRUCT<\n" + strings.Join(fields, ",\n") + ">"
}

// hiveReserved are the column names Hive DDL needs in backticks.
var hiveReserved = map[string]bool{"timestamp": true, "date": true, "time": true, "user": true, "order": true, "default": true}

func hiveIdent(s string) string {
	if strings.HasPrefix(s, "_") || hiveReserved[s] {
		return "`" + s + "`"
	}
	return s
}

// Trino.

func (d *ddl) trinoColumns(cols []Column, indent string) {
	for _, c := range cols {
		d.p("%s%s %s,\n", indent, trinoIdent(c.Name), trinoType(c.Type, indent, false))
	}
}

func (d *ddl) trinoPartitions(cols []string) {
	props := map[string]string{
		"account": fmt.Sprintf("partition_projection_type = 'ENUM', partition_projection_values = %s", trinoArray(d.o.Accounts)),
		"region":  fmt.Sprintf("partition_projection_type = 'ENUM', partition_projection_values = %s", trinoArray(d.o.Regions)),
		"year": fmt.Sprintf("partition_projection_type = 'DATE', partition_projection_format = 'yyyy', partition_projection_range = ARRAY['%d', 'NOW'], "+
			"partition_projection_interval = 1, partition_projection_interval_unit = 'YEARS'", d.o.FirstYear),
		"month": "partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '12'], partition_projection_digits = 2",
		"day":   "partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['1', '31'], partition_projection_digits = 2",
	}
	for i, c := range cols {
		p, ok := props[c]
		if !ok {
			panic("BUG: no projection for partition column " + c)
		}
		sep := ","
		if i == len(cols)-1 {
			sep = ""
		}
		d.p("  %s varchar WITH (%s)%s\n", trinoIdent(c), p, sep)
	}
}

func (d *ddl) trinoTableProjection(cols []string, template string) {
	d.p("  partitioned_by = %s,\n  partition_projection_enabled = true,\n  partition_projection_location_template = '%s'\n);\n\n",
		trinoArray(cols), template)
}

func trinoArray(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]"
}

// trinoType renders a type in Trino's syntax; Athena's views take the same
// syntax, with a timestamp of its own precision.
func trinoType(t Type, indent string, athena bool) string {
	switch t.Kind {
	case String:
		return "varchar"
	case BigInt:
		return "bigint"
	case Timestamp:
		if athena {
			return "timestamp"
		}
		return "timestamp(3)"
	case Array:
		return "ARRAY(" + trinoType(*t.Elem, indent, athena) + ")"
	}
	inner := indent + "  "
	fields := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		fields[i] = inner + trinoIdent(f.Name) + " " + trinoType(f.Type, inner, athena)
	}
	return "ROW(\n" + strings.Join(fields, ",\n") + "\n" + indent + ")"
}

// trinoReserved are the names Trino needs in double quotes.
var trinoReserved = map[string]bool{"default": true, "order": true, "table": true, "user": true, "values": true}

func trinoIdent(s string) string {
	if strings.HasPrefix(s, "_") || trinoReserved[s] || (s != "" && s[0] >= '0' && s[0] <= '9') {
		return `"` + s + `"`
	}
	return s
}
