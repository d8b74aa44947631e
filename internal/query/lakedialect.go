package query

import (
	"errors"
	"regexp"
	"strings"

	"github.com/trailsql/trailsql/internal/sqltree"
)

// CloudTrail Lake's dialect.
//
// CloudTrail Lake's queries read `FROM <event data store>`, where the event
// data store is its id (a UUID), its ARN, or the placeholder $EDS_ID of
// AWS's sample queries, and see Lake's schema: eventtime a TIMESTAMP,
// requestparameters, responseelements, additionaleventdata (and the other
// free-form parts) maps of varchar whose nested values are JSON text,
// readonly and managementevent booleans. Lake's column names are lower
// case, like the lake's; Trino compares names without case, so the
// camelCase names of Lake's queries need no mapping.
//
// parseLake replaces such a FROM target by the view cloudtrail_lake_events
// (lakeViewSQL), which has Lake's schema over the lake's rows. Pruning sees
// through the view: a SELECT that reads it alone scans only the files its
// WHERE clause may match, with Lake's column semantics (prune_lake.go).

// lakeView is the view with CloudTrail Lake's schema.
const lakeView = "cloudtrail_lake_events"

var (
	// lakeUUID is an event data store id.
	lakeUUID = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)
	// lakeARN is an event data store ARN; its id may be any letters,
	// digits and dashes (AWS's documentation writes EXAMPLE-f852-...).
	lakeARN = regexp.MustCompile(`^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:[0-9]{12}:eventdatastore/[A-Za-z0-9-]+`)
	// lakePlaceholder is the placeholder of AWS's sample queries.
	lakePlaceholder = regexp.MustCompile(`^\$EDS_ID`)
)

// isLakeTarget reports whether name, a table name as the parser read it
// (a quoted name without its quotes), names an event data store.
func isLakeTarget(name string) bool {
	for _, re := range []*regexp.Regexp{lakeUUID, lakeARN, lakePlaceholder} {
		if loc := re.FindStringIndex(name); loc != nil && loc[1] == len(name) {
			return true
		}
	}
	return false
}

// parseLake parses sql (see sqltree.Parse) and replaces each table that
// names a CloudTrail Lake event data store by lakeView. A bare UUID, ARN
// or $EDS_ID after FROM or JOIN is not SQL the parser reads: it is first
// replaced, in the text, by a name of the same length (so that every
// position, and so every error's line and column, stays the user's), and
// the table at that position is renamed on the tree; a syntax error shows
// the user's line and names. A quoted
// "<uuid>" or "arn:..." is a table name already.
func parseLake(sql string) (sqltree.Statement, error) {
	text, at := lakeTargets(sql)
	stmt, err := sqltree.Parse(text)
	if err != nil {
		var se *sqltree.Error
		if len(at) == 0 || !errors.As(err, &se) {
			return nil, err
		}
		// Show the user's text, not the names that stood in for the ids.
		se = se.InSource(sql)
		for i := range at {
			n := lakeTargetLen(sql[i:])
			se.Msg = strings.ReplaceAll(se.Msg, text[i:i+n], sql[i:i+n])
		}
		return nil, se
	}
	sqltree.Walk(stmt, func(n sqltree.Node) bool {
		t, ok := n.(*sqltree.Table)
		if !ok || len(t.Name) != 1 {
			return true
		}
		if id := t.Name[0]; at[int(id.Pos)] || isLakeTarget(id.Name) {
			t.Name = []*sqltree.Ident{{Pos: id.Pos, Name: lakeView}}
		}
		return true
	})
	return stmt, nil
}

// lakeTargets finds the event data store ids, ARNs and $EDS_ID written
// without quotes right after FROM or JOIN (outside strings, quoted names
// and comments) and replaces each by a plain name of the same length: its
// text with every character that cannot be part of a name made '_' (and a
// leading digit too). It returns the text and the offsets of the names.
func lakeTargets(sql string) (string, map[int]bool) {
	var out []byte
	at := map[int]bool{}
	prevWord := ""
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			// A string or quoted name: skip it ('' and "" escape).
			j := i + 1
			for j < len(sql) {
				if sql[j] == c {
					if j+1 < len(sql) && sql[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			i = j + 1
			prevWord = ""
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return finishTargets(sql, out, at)
			}
			i += j + 1
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return finishTargets(sql, out, at)
			}
			i += j + 4
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		default:
			if prevWord == "from" || prevWord == "join" {
				if n := lakeTargetLen(sql[i:]); n > 0 {
					if out == nil {
						out = []byte(sql)
					}
					for k := i; k < i+n; k++ {
						if !isNameByte(out[k]) || k == i && out[k] >= '0' && out[k] <= '9' {
							out[k] = '_'
						}
					}
					at[i] = true
					i += n
					prevWord = ""
					continue
				}
			}
			if isNameByte(c) {
				j := i
				for j < len(sql) && isNameByte(sql[j]) {
					j++
				}
				prevWord = strings.ToLower(sql[i:j])
				i = j
				continue
			}
			prevWord = ""
			i++
		}
	}
	return finishTargets(sql, out, at)
}

func finishTargets(sql string, out []byte, at map[int]bool) (string, map[int]bool) {
	if out == nil {
		return sql, at
	}
	return string(out), at
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// lakeTargetLen returns the length of the event data store id, ARN or
// $EDS_ID that s starts with, followed by the end of a name, or 0.
func lakeTargetLen(s string) int {
	for _, re := range []*regexp.Regexp{lakeARN, lakeUUID, lakePlaceholder} {
		loc := re.FindStringIndex(s)
		if loc == nil {
			continue
		}
		n := loc[1]
		if n < len(s) && (isNameByte(s[n]) || s[n] == '-' || s[n] == ':' || s[n] == '/' || s[n] == '$' || s[n] == '.') {
			return 0 // more of a name follows: not exactly an id
		}
		return n
	}
	return 0
}

// lakeJSONColumns are the lake's columns of JSON text that Lake's schema
// has as map(varchar, varchar).
var lakeJSONColumns = []string{"requestparameters", "responseelements", "additionaleventdata", "serviceeventdetails", "edgedevicedetails", "insightdetails"}

// jsonTextMap is the SQL of a MAP(VARCHAR, VARCHAR) built from the JSON
// text src as CloudTrail Lake builds its maps: one entry per top-level key;
// a string value unquoted, null as NULL, any other value as its JSON text.
// Text that is not a JSON object gives NULL.
func jsonTextMap(src string) string {
	return "CASE WHEN json_type(TRY_CAST(" + src + " AS JSON)) = 'OBJECT' THEN " +
		"map_from_entries(list_transform(map_entries(CAST(CAST(" + src + " AS JSON) AS MAP(VARCHAR, JSON))), " +
		"e -> struct_pack(key := e.key, value := CASE json_type(e.value) WHEN 'VARCHAR' THEN e.value->>'$' WHEN 'NULL' THEN NULL ELSE CAST(e.value AS VARCHAR) END))) END"
}

// lakeBool is the SQL of a BOOLEAN from the lake's text "true"/"false".
func lakeBool(src string) string {
	return "TRY_CAST(" + src + " AS BOOLEAN)"
}

// lakeViewSQL is the query of the view cloudtrail_lake_events over the
// view cloudtrail: CloudTrail Lake's columns, in the order of Lake's
// documented schema.
func lakeViewSQL() string {
	ui := "useridentity"
	sc := ui + ".sessioncontext"
	str := func(parts ...string) string { return "struct_pack(" + strings.Join(parts, ", ") + ")" }
	ifNotNull := func(src, v string) string { return "CASE WHEN " + src + " IS NOT NULL THEN " + v + " END" }
	utc := func(src string) string { return "timezone('UTC', TRY_CAST(" + src + " AS TIMESTAMPTZ))" }
	cols := []string{
		"eventversion",
		ifNotNull(ui, str(
			"type := "+ui+".type",
			"principalid := "+ui+".principalid",
			"arn := "+ui+".arn",
			"accountid := "+ui+".accountid",
			"accesskeyid := "+ui+".accesskeyid",
			"username := "+ui+".username",
			"sessioncontext := "+ifNotNull(sc, str(
				"attributes := "+ifNotNull(sc+".attributes", str(
					"creationdate := "+utc(sc+".attributes.creationdate"),
					"mfaauthenticated := "+sc+".attributes.mfaauthenticated")),
				"sessionissuer := "+ifNotNull(sc+".sessionissuer", str(
					"type := "+sc+".sessionissuer.type",
					"principalid := "+sc+".sessionissuer.principalid",
					"arn := "+sc+".sessionissuer.arn",
					"accountid := "+sc+".sessionissuer.accountid",
					"username := "+sc+".sessionissuer.username")),
				"webidfederationdata := "+ifNotNull(sc+".webidfederationdata", str(
					"federatedprovider := "+sc+".webidfederationdata.federatedprovider",
					"attributes := "+jsonTextMap(sc+".webidfederationdata.attributes"))),
				"sourceidentity := "+sc+".sourceidentity",
				"ec2roledelivery := "+sc+".ec2roledelivery",
				"ec2issuedinvpc := CAST(NULL AS VARCHAR)")),
			"invokedby := "+ui+".invokedby",
			"identityprovider := "+ui+".identityprovider",
			"credentialid := "+ui+".credentialid",
			"onbehalfof := "+ui+".onbehalfof")) + " AS useridentity",
		"timezone('UTC', eventtimestamp) AS eventtime",
		"eventsource", "eventname", "awsregion", "sourceipaddress", "useragent", "errorcode", "errormessage",
		jsonTextMap("requestparameters") + " AS requestparameters",
		jsonTextMap("responseelements") + " AS responseelements",
		jsonTextMap("additionaleventdata") + " AS additionaleventdata",
		"requestid", "eventid",
		lakeBool("readonly") + " AS readonly",
		"list_transform(resources, r -> struct_pack(accountid := r.accountid, type := r.type, arn := r.arn, arnprefix := CAST(NULL AS VARCHAR))) AS resources",
		"eventtype", "apiversion",
		lakeBool("managementevent") + " AS managementevent",
		"recipientaccountid", "sharedeventid",
		"CAST(NULL AS VARCHAR) AS annotation",
		"vpcendpointid", "vpcendpointaccountid",
		jsonTextMap("serviceeventdetails") + " AS serviceeventdetails",
		"CASE WHEN addendum IS NOT NULL THEN map_from_entries(list_filter([" +
			"struct_pack(key := 'reason', value := addendum.reason), " +
			"struct_pack(key := 'updatedFields', value := addendum.updatedfields), " +
			"struct_pack(key := 'originalRequestID', value := addendum.originalrequestid), " +
			"struct_pack(key := 'originalEventID', value := addendum.originaleventid)], e -> e.value IS NOT NULL)) END AS addendum",
		jsonTextMap("edgedevicedetails") + " AS edgedevicedetails",
		jsonTextMap("insightdetails") + " AS insightdetails",
		"eventcategory", "tlsdetails", "sessioncredentialfromconsole",
		lakeEventJSON() + " AS eventjson",
		"CAST(NULL AS VARCHAR) AS eventjsonchecksum",
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM cloudtrail"
}

// lakeEventJSON is the SQL of Lake's eventjson: the record as JSON text.
// The source text when the lake kept it (_raw), or else the record rebuilt
// from the columns with CloudTrail's key names, free-form parts as JSON
// and the keys without a column of their own (_extra) merged in; absent
// keys are null.
func lakeEventJSON() string {
	isJSON := map[string]bool{}
	for _, c := range lakeJSONColumns {
		isJSON[c] = true
	}
	var parts []string
	for _, c := range lakeSchema() {
		if helperColumn(c.name) {
			continue
		}
		v := lakeRecordValue(c, quoteIdent(c.name))
		switch {
		case isJSON[c.name]:
			v = "TRY_CAST(" + quoteIdent(c.name) + " AS JSON)"
		case c.name == "readonly" || c.name == "managementevent":
			v = lakeBool(quoteIdent(c.name))
		}
		parts = append(parts, quoteIdent(c.record)+" := "+v)
	}
	return "CAST(coalesce(_raw, json_merge_patch(to_json(struct_pack(" + strings.Join(parts, ", ") + ")), coalesce(_extra, '{}'))) AS VARCHAR)"
}

// lakeRecordValue renames the fields of a nested column to CloudTrail's
// key names.
func lakeRecordValue(c column, src string) string {
	if len(c.fields) == 0 {
		return src
	}
	if c.list {
		var parts []string
		for _, f := range c.fields {
			parts = append(parts, quoteIdent(f.record)+" := "+lakeRecordValue(f, "x."+quoteIdent(f.name)))
		}
		return "list_transform(" + src + ", x -> struct_pack(" + strings.Join(parts, ", ") + "))"
	}
	var parts []string
	for _, f := range c.fields {
		parts = append(parts, quoteIdent(f.record)+" := "+lakeRecordValue(f, src+"."+quoteIdent(f.name)))
	}
	return "CASE WHEN " + src + " IS NOT NULL THEN struct_pack(" + strings.Join(parts, ", ") + ") END"
}
