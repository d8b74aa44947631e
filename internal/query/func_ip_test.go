package query

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// macroDB opens a bare DuckDB with trailsql's macros, for tests of the
// macros on their own.
func macroDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	for _, s := range macroStatements() {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

// ipOracle is Trino's CAST(s AS IPADDRESS) AS VARCHAR computed with
// net/netip: "" when s is not an address.
func ipOracle(s string) string {
	if strings.Contains(s, ":") {
		if i := strings.IndexByte(s, '%'); i >= 0 {
			s = s[:i]
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	return a.Unmap().String()
}

// randomIPs returns addresses written in many ways (zero runs, upper
// case, leading zeros in groups, embedded dotted quads, mapped IPv4) and
// malformed ones.
func randomIPs(r *rand.Rand, n int) []string {
	fixed := []string{
		"10.1.2.3", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..2.3", " 1.2.3.4", "1.2.3.4 ",
		"::", "::1", "1::", "::ffff:1.2.3.4", "::FFFF:0A01:0203", "::1.2.3.4", "64:ff9b::10.0.0.1", "2001:db8::1", "2001:DB8:0:0:1:0:0:1",
		"2001:db8:0:0:1::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "1:0:0:2:0:0:0:3", "1:0:0:2:0:0:3:4", "0:0:1:0:0:1:0:0",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "1:::2", ":1::2", "1::2:",
		"12345::1", "g::1", "fe80::1%eth0", "::ffff:1.2.3", "1.2.3.4::", "::ffff:01.2.3.4", "", "abc", "::0:0", "0:0:0:0:0:ffff:7f00:1",
		"0:0:0:0:0:fffe:7f00:1", "1:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:1",
	}
	out := append([]string(nil), fixed...)
	for len(out) < n {
		var g [8]uint16
		for i := range g {
			if r.IntN(2) == 0 {
				g[i] = uint16(r.IntN(1 << 16))
			}
		}
		switch r.IntN(4) {
		case 0:
			out = append(out, fmt.Sprintf("%d.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256)))
		case 1:
			parts := make([]string, 8)
			for i, x := range g {
				f := "%x"
				if r.IntN(3) == 0 {
					f = "%04X"
				}
				parts[i] = fmt.Sprintf(f, x)
			}
			out = append(out, strings.Join(parts, ":"))
		case 2:
			b := [16]byte{}
			for i, x := range g {
				b[2*i], b[2*i+1] = byte(x>>8), byte(x)
			}
			out = append(out, netip.AddrFrom16(b).StringExpanded())
		default:
			b := [16]byte{10: 0xff, 11: 0xff, 12: byte(r.IntN(256)), 13: byte(r.IntN(256)), 14: byte(r.IntN(256)), 15: byte(r.IntN(256))}
			a := netip.AddrFrom16(b)
			out = append(out, a.String(), strings.ToUpper(a.StringExpanded()))
		}
	}
	return out
}

// TestIPAddressMacro checks CAST(s AS IPADDRESS) and TRY_CAST against
// net/netip, on addresses written in many ways and on malformed ones.
func TestIPAddressMacro(t *testing.T) {
	db := macroDB(t)
	r := rand.New(rand.NewPCG(1, 2))
	ips := randomIPs(r, 1000)
	got := macroColumn(t, db, "athena_try_ipaddress(s)", ips)
	for i, s := range ips {
		if want := ipOracle(s); got[i] != want {
			t.Errorf("TRY_CAST(%q AS IPADDRESS) = %q, want %q", s, got[i], want)
		}
	}
	for _, s := range []string{"10.1.2.3", "::FFFF:0A01:0203", "2001:DB8:0:0:1:0:0:1", "01.2.3.4", "1::2::3", "ec2.amazonaws.com"} {
		var v sql.NullString
		err := db.QueryRow("SELECT athena_ipaddress(?)", s).Scan(&v)
		want := ipOracle(s)
		if want == "" && (err == nil || !strings.Contains(err.Error(), "Cannot cast value to IPADDRESS: "+s)) {
			t.Errorf("CAST(%q AS IPADDRESS): err = %v, want an error", s, err)
		}
		if want != "" && (err != nil || v.String != want) {
			t.Errorf("CAST(%q AS IPADDRESS) = %v, %v, want %q", s, v, err, want)
		}
	}
}

// macroColumn evaluates expr (of the column s) over the rows in, in one
// query, and returns the results as text ("" for NULL).
func macroColumn(t testing.TB, db *sql.DB, expr string, in []string) []string {
	t.Helper()
	vals := make([]string, len(in))
	for i, s := range in {
		vals[i] = fmt.Sprintf("(%d, %s)", i, quoteString(s))
	}
	rows, err := db.Query("SELECT CAST(" + expr + " AS VARCHAR) FROM (VALUES " + strings.Join(vals, ", ") + ") AS t(i, s) ORDER BY i")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// containsOracle is Trino's contains(cidr, CAST(ip AS IPADDRESS)), or an
// error.
func containsOracle(cidr, ip string) (bool, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false, fmt.Errorf("bad address")
	}
	a = a.Unmap().WithZone("")
	addr, bits, ok := strings.Cut(cidr, "/")
	if !ok {
		return false, fmt.Errorf("Invalid CIDR")
	}
	n, err := netip.ParseAddr(addr)
	if err != nil {
		return false, fmt.Errorf("Invalid network IP address")
	}
	n = n.Unmap()
	var p int
	if _, err := fmt.Sscanf(bits, "%d", &p); err != nil || fmt.Sprint(p) != strings.TrimPrefix(bits, "+") {
		return false, fmt.Errorf("Invalid prefix length")
	}
	if p > n.BitLen() {
		return false, fmt.Errorf("Prefix length exceeds address length")
	}
	pre := netip.PrefixFrom(n, p)
	if n.Is4() && pre.Masked().Addr() != n {
		return false, fmt.Errorf("Invalid CIDR")
	}
	if n.Is4() != a.Is4() {
		return false, nil
	}
	return pre.Contains(a), nil
}

// TestIPContainsMacro checks contains(cidr, ip) against net/netip,
// including Trino's tests of prefix lengths and IPv4-mapped addresses.
func TestIPContainsMacro(t *testing.T) {
	db := macroDB(t)
	f := func(cidr, ip string) {
		t.Helper()
		want, werr := containsOracle(cidr, ip)
		var got sql.NullBool
		err := db.QueryRow("SELECT athena_ip_contains(?, athena_ipaddress(?))", cidr, ip).Scan(&got)
		switch {
		case werr != nil && err == nil:
			t.Errorf("contains(%q, %q) = %v, want an error (%v)", cidr, ip, got, werr)
		case werr == nil && err != nil:
			t.Errorf("contains(%q, %q): %v, want %v", cidr, ip, err, want)
		case werr == nil && got.Bool != want:
			t.Errorf("contains(%q, %q) = %v, want %v", cidr, ip, got.Bool, want)
		}
	}
	f("10.0.0.0/8", "10.255.255.255")
	f("10.0.0.0/8", "11.255.255.255")
	f("10.0.0.1/8", "10.0.0.1") // host bits: an error
	f("127.0.0.1/32", "127.0.0.1")
	f("127.0.0.1/32", "::ffff:7f00:0001")
	f("::ffff:7f00:0001/32", "127.0.0.1")
	f("::ffff:7f00:0001/32", "127.0.0.2")
	f("::ffff:0000:0000/0", "::ffff:ffff:ffff")
	f("64:ff9b::10.0.0.0/64", "64:ff9b:0:0:f:f:f:f")
	f("64:ff9b::10.0.0.0/64", "64:ff9b:0:1:0:0:0:0")
	f("2001:db8::/32", "2001:db8:ffff::1")
	f("2001:db8::/32", "2001:db9::1")
	f("::/0", "10.0.0.1")
	f("0.0.0.0/0", "2001:db8::1")
	f("0.0.0.0/0", "1.2.3.4")
	f("10.0.0.0/33", "10.0.0.1")
	f("2001:db8::/129", "2001:db8::1")
	f("10.0.0.0", "10.0.0.1")
	f("10.0.0.0/x", "10.0.0.1")
	f("10.0.0/8", "10.0.0.1")
	// Random networks around random addresses, in one query (the cases
	// Trino rejects are checked above).
	r := rand.New(rand.NewPCG(3, 4))
	ips := randomIPs(r, 600)
	var pairs []string
	var want []string
	for len(pairs) < 1000 {
		ip, other := ips[r.IntN(len(ips))], ips[r.IntN(len(ips))]
		if ipOracle(ip) == "" || ipOracle(other) == "" {
			continue
		}
		a, _ := netip.ParseAddr(ipOracle(ip))
		net, _ := a.Prefix(r.IntN(a.BitLen() + 1))
		for _, x := range []string{ip, other} {
			w, err := containsOracle(net.String(), x)
			if err != nil {
				t.Fatalf("oracle: contains(%s, %s): %v", net, x, err)
			}
			pairs = append(pairs, net.String()+" "+x)
			want = append(want, fmt.Sprint(w))
		}
	}
	got := macroColumn(t, db, "athena_ip_contains(split_part(s, ' ', 1), athena_ipaddress(split_part(s, ' ', 2)))", pairs)
	for i := range pairs {
		if got[i] != want[i] {
			t.Errorf("contains(%s) = %s, want %s", strings.Replace(pairs[i], " ", ", ", 1), got[i], want[i])
		}
	}
}

// TestIPPrefixMacro checks CAST(s AS IPPREFIX): the host bits are
// cleared.
func TestIPPrefixMacro(t *testing.T) {
	db := macroDB(t)
	f := func(in, want string) {
		t.Helper()
		var got sql.NullString
		if err := db.QueryRowContext(context.Background(), "SELECT athena_try_ipprefix(?)", in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got.String != want {
			t.Errorf("CAST(%q AS IPPREFIX) = %q, want %q", in, got.String, want)
		}
	}
	f("192.168.255.255/9", "192.128.0.0/9")
	f("10.0.0.0/8", "10.0.0.0/8")
	f("10.0.0.0/33", "")
	f("2001:db8::ff/64", "2001:db8::/64")
	f("2001:DB8::1/128", "2001:db8::1/128")
	f("::ffff:1.2.3.4/24", "1.2.3.0/24")
	f("1.2.3.4", "")
}

// TestTreeTranslationOnLake checks the tree pass's IP and JSON casts on
// the fixture lake against answers computed from the fixture's events.
func TestTreeTranslationOnLake(t *testing.T) {
	e, evs, _ := openFixture(t)
	ten := netip.MustParsePrefix("10.0.0.0/8")
	inTen := 0
	buckets := map[string]int{}
	for _, ev := range evs {
		if a, err := netip.ParseAddr(ev.IP); err == nil && ten.Contains(a.Unmap()) {
			inTen++
		}
		var req map[string]any
		if json.Unmarshal([]byte(ev.Req), &req) == nil {
			if s, ok := req["bucketName"].(string); ok {
				buckets[s]++
			}
		}
	}
	if inTen == 0 || len(buckets) == 0 {
		t.Fatalf("fixture: %d events in 10/8, %d buckets: the test checks nothing", inTen, len(buckets))
	}
	r := mustQuery(t, e, "SELECT count(*) FROM cloudtrail WHERE contains('10.0.0.0/8', TRY_CAST(sourceipaddress AS IPADDRESS))")
	if got := resultRows(r)[0][0]; got != fmt.Sprint(inTen) {
		t.Errorf("events in 10.0.0.0/8: %s, want %d", got, inTen)
	}
	// A source address that is a service name fails the cast, as in Athena.
	if _, err := e.Query(context.Background(), "SELECT count(*) FROM cloudtrail WHERE contains('10.0.0.0/8', CAST(sourceipaddress AS IPADDRESS))"); err == nil || !strings.Contains(err.Error(), "Cannot cast value to IPADDRESS") {
		t.Errorf("CAST of a service name to IPADDRESS: err = %v", err)
	}
	r = mustQuery(t, e, "SELECT CAST(json_extract(requestparameters, '$.bucketName') AS varchar), count(*) FROM cloudtrail WHERE json_extract(requestparameters, '$.bucketName') IS NOT NULL GROUP BY 1")
	got := map[string]int{}
	for _, row := range resultRows(r) {
		var n int
		fmt.Sscan(row[1], &n)
		got[row[0]] = n
	}
	if fmt.Sprint(got) != fmt.Sprint(buckets) {
		t.Errorf("CAST(json_extract(requestparameters, '$.bucketName') AS varchar): %v, want %v", got, buckets)
	}
}
