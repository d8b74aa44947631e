package query

import (
	"fmt"
	"strings"
)

// timeFuncs are Presto's date and time functions. Times in the lake are
// UTC: eventtime is CloudTrail's ISO-8601 text, eventtimestamp the same
// instant as TIMESTAMP WITH TIME ZONE, and the session time zone is UTC.
func timeFuncs() []funcRule {
	return []funcRule{
		// from_iso8601_timestamp(eventtime) is read from eventtimestamp, the
		// same value already parsed, whose Parquet statistics let whole row
		// groups be skipped.
		{name: "from_iso8601_timestamp", arity: []int{1}, rewrite: func(c *call) (string, error) {
			if !c.t.opts.KeepEventTime && len(c.args[0].toks) == 1 && strings.EqualFold(c.args[0].toks[0].name(), "eventtime") {
				return "eventtimestamp", nil
			}
			return "CAST(" + c.args[0].text + " AS TIMESTAMPTZ)", nil
		}},
		{name: "from_iso8601_date", arity: []int{1}, rewrite: func(c *call) (string, error) {
			return "CAST(" + c.args[0].text + " AS DATE)", nil
		}},
		macro("to_iso8601", "(x) AS CASE WHEN typeof(x) = 'DATE' THEN strftime(x, '%Y-%m-%d') ELSE strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ') END", 1),
		{name: "date_parse", arity: []int{2}, rewrite: func(c *call) (string, error) {
			f, err := c.format(1, mysqlFormat)
			if err != nil {
				return "", err
			}
			return "strptime(" + c.args[0].text + ", " + f + ")", nil
		}},
		{name: "date_format", arity: []int{2}, rewrite: func(c *call) (string, error) {
			f, err := c.format(1, mysqlFormat)
			if err != nil {
				return "", err
			}
			return "strftime(" + c.args[0].text + ", " + f + ")", nil
		}},
		{name: "format_datetime", arity: []int{2}, rewrite: func(c *call) (string, error) {
			f, err := c.format(1, jodaFormat)
			if err != nil {
				return "", err
			}
			return "strftime(" + c.args[0].text + ", " + f + ")", nil
		}},
		{name: "parse_datetime", arity: []int{2}, rewrite: func(c *call) (string, error) {
			f, err := c.format(1, jodaFormat)
			if err != nil {
				return "", err
			}
			return "CAST(strptime(" + c.args[0].text + ", " + f + ") AS TIMESTAMPTZ)", nil
		}},
		macro("to_unixtime", "(t) AS epoch(t)", 1),
		macro("from_unixtime", "(n) AS to_timestamp(n), (n, tz) AS timezone(tz, to_timestamp(n))", 1, 2),
		macro("from_unixtime_nanos", "(n) AS to_timestamp(n / 1e9)", 1),
		// date_add(unit, n, t): t plus n units.
		macro("date_add", "(unit, n, t) AS t + CASE lower(unit)"+
			" WHEN 'millisecond' THEN to_milliseconds(n)"+
			" WHEN 'second' THEN to_seconds(n)"+
			" WHEN 'minute' THEN to_minutes(n)"+
			" WHEN 'hour' THEN to_hours(n)"+
			" WHEN 'day' THEN to_days(CAST(n AS INTEGER))"+
			" WHEN 'week' THEN to_weeks(CAST(n AS INTEGER))"+
			" WHEN 'month' THEN to_months(CAST(n AS INTEGER))"+
			" WHEN 'quarter' THEN to_months(CAST(3 * n AS INTEGER))"+
			" WHEN 'year' THEN to_years(CAST(n AS INTEGER))"+
			" ELSE error('date_add: unknown unit ''' || unit || ''' (want second, minute, hour, day, week, month, quarter or year)') END", 3),
		// date_diff(unit, a, b) counts whole units from a to b (Presto), as
		// DuckDB's date_sub does; DuckDB's date_diff counts boundaries.
		rename("date_diff", "date_sub", 3),
		rename("day_of_week", "isodow", 1),
		rename("dow", "isodow", 1),
		rename("day_of_year", "dayofyear", 1),
		rename("doy", "dayofyear", 1),
		rename("day_of_month", "day", 1),
		rename("week_of_year", "week", 1),
		rename("year_of_week", "isoyear", 1),
		rename("yow", "isoyear", 1),
		rename("last_day_of_month", "last_day", 1),
		{name: "at_timezone", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "timezone(" + c.args[1].text + ", " + c.args[0].text + ")", nil
		}},
		{name: "with_timezone", arity: []int{2}, rewrite: func(c *call) (string, error) {
			return "timezone(" + c.args[1].text + ", " + c.args[0].text + ")", nil
		}},
		{name: "now", arity: []int{0}, rewrite: func(c *call) (string, error) {
			return c.t.nowLiteral("current_timestamp"), nil
		}},
		{name: "current_timezone", arity: []int{0}, rewrite: func(c *call) (string, error) {
			return "'UTC'", nil
		}},
	}
}

// format returns argument i, a date format literal, converted by conv to a
// strftime/strptime format literal.
func (c *call) format(i int, conv func(string) (string, error)) (string, error) {
	f, ok := c.literal(i)
	if !ok {
		return "", &UnsupportedError{Construct: c.name + "() with a format that is not a string constant", Instead: "write the format as a string literal, e.g. '%Y-%m-%d %H:%i:%s'"}
	}
	out, err := conv(f)
	if err != nil {
		return "", &UnsupportedError{Construct: c.name + "() with " + err.Error(), Instead: "use the specifiers of Athena's documentation (%Y %m %d %H %i %s %f %T %b %W ...) or Joda letters (yyyy MM dd HH mm ss SSS)"}
	}
	return quoteString(out), nil
}

// mysqlFormat converts a MySQL-style format (date_format, date_parse) to
// DuckDB's strftime/strptime format.
func mysqlFormat(f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(f) {
			return "", fmt.Errorf("a format that ends with a lone %%")
		}
		spec, ok := map[byte]string{
			'a': "%a", 'b': "%b", 'c': "%-m", 'd': "%d", 'e': "%-d", 'f': "%f",
			'H': "%H", 'h': "%I", 'I': "%I", 'i': "%M", 'j': "%j", 'k': "%-H",
			'l': "%-I", 'M': "%B", 'm': "%m", 'p': "%p", 'r': "%I:%M:%S %p",
			'S': "%S", 's': "%S", 'T': "%H:%M:%S", 'U': "%U", 'u': "%W",
			'V': "%U", 'v': "%V", 'W': "%A", 'w': "%w", 'Y': "%Y", 'y': "%y",
			'x': "%G", 'X': "%G", '%': "%%",
		}[f[i]]
		if !ok {
			return "", fmt.Errorf("the format specifier %%%c", f[i])
		}
		b.WriteString(spec)
	}
	return b.String(), nil
}

// jodaFormat converts a Joda-Time pattern (format_datetime,
// parse_datetime) to DuckDB's strftime/strptime format.
func jodaFormat(f string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		if c == '\'' {
			// Quoted literal text; '' is a quote.
			j := i + 1
			if j < len(f) && f[j] == '\'' {
				b.WriteByte('\'')
				i += 2
				continue
			}
			for j < len(f) && f[j] != '\'' {
				if f[j] == '%' {
					b.WriteString("%%")
				} else {
					b.WriteByte(f[j])
				}
				j++
			}
			i = j + 1
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			if c == '%' {
				b.WriteString("%%")
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		n := 1
		for i+n < len(f) && f[i+n] == c {
			n++
		}
		i += n
		var spec string
		switch {
		case c == 'y' || c == 'Y' || c == 'x':
			spec = map[bool]string{true: "%y", false: "%Y"}[n == 2]
		case c == 'M':
			spec = [...]string{"", "%-m", "%m", "%b", "%B"}[min(n, 4)]
		case c == 'd':
			spec = map[bool]string{true: "%-d", false: "%d"}[n == 1]
		case c == 'H':
			spec = map[bool]string{true: "%-H", false: "%H"}[n == 1]
		case c == 'h':
			spec = map[bool]string{true: "%-I", false: "%I"}[n == 1]
		case c == 'm':
			spec = map[bool]string{true: "%-M", false: "%M"}[n == 1]
		case c == 's':
			spec = map[bool]string{true: "%-S", false: "%S"}[n == 1]
		case c == 'S':
			switch {
			case n <= 3:
				spec = "%g"
			case n <= 6:
				spec = "%f"
			default:
				spec = "%n"
			}
		case c == 'a':
			spec = "%p"
		case c == 'E':
			spec = map[bool]string{true: "%A", false: "%a"}[n >= 4]
		case c == 'D':
			spec = "%j"
		// Times are UTC in trailsql's session (see timeFuncs), so the zone
		// is written as Joda writes UTC: Z +0000, ZZ +00:00, ZZZ and z UTC.
		case c == 'Z':
			spec = [...]string{"", "+0000", "+00:00", "UTC"}[min(n, 3)]
		case c == 'z':
			spec = "UTC"
		case c == 'w':
			spec = "%V"
		case c == 'e':
			spec = "%u"
		default:
			return "", fmt.Errorf("the pattern letter %c", c)
		}
		b.WriteString(spec)
	}
	return b.String(), nil
}
