package query

// IP addresses. DuckDB here has no inet type, so Athena's IPADDRESS and
// IPPREFIX are held as their canonical text, as Athena prints them: an
// IPv4 address (or an IPv4-mapped IPv6 address, ::ffff:a.b.c.d) as
// dotted decimal, any other IPv6 address in RFC 5952 form (lower case, no
// leading zeros, the longest run of two or more zero groups compressed to
// ::, the first one on a tie), and a prefix as its masked address, a
// slash and its length. Equal addresses therefore have equal text.
// Ordering an IPADDRESS orders the text, not the 16 bytes as Athena does.
//
// The parsing follows Guava's InetAddresses.forString, which Trino uses:
// four decimal octets without leading zeros; eight hex groups of one to
// four digits, at most one :: standing for at least one zero group, an
// IPv4 dotted quad as the last 32 bits, and a %zone that is dropped.
//
// The translation pass (translateTree) turns CAST(x AS IPADDRESS) into
// athena_ipaddress(x), TRY_CAST into athena_try_ipaddress, IPPREFIX the
// same way, and contains(cidr, ip) into athena_ip_contains.

// ipMacros are the CREATE MACRO bodies of the IP helpers, by name, each
// after the macros it calls.
func ipMacros() [][2]string {
	return [][2]string{
		// Parsing: athena_ip_groups(s) is the eight 16-bit groups of an
		// address, or NULL when s is not one. A macro's argument is
		// copied wherever the body names it; the bodies that name one
		// more than once bind it to a lambda parameter first
		// (list_transform([x], v -> ...)[1]) so that nested calls do not
		// grow exponentially.
		{"athena_ip_v4_octets", `(o) AS list_transform([o], ip_o -> CASE WHEN list_max(ip_o) <= 255 THEN [ip_o[1] * 256 + ip_o[2], ip_o[3] * 256 + ip_o[4]] END)[1]`},
		{"athena_ip_v4", `(s) AS list_transform([s], ip_s -> CASE WHEN regexp_full_match(ip_s, '(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}') THEN athena_ip_v4_octets(list_transform(string_split(ip_s, '.'), o -> CAST(o AS INTEGER))) END)[1]`},
		{"athena_ip_v4_groups", `(v) AS list_transform([v], ip_v -> CASE WHEN ip_v IS NOT NULL THEN [0, 0, 0, 0, 0, 65535, ip_v[1], ip_v[2]] END)[1]`},
		{"athena_ip_dotted_hex", `(head, v) AS list_transform([v], ip_v -> CASE WHEN ip_v IS NOT NULL AND head <> '' THEN head || printf('%x', ip_v[1]) || ':' || printf('%x', ip_v[2]) END)[1]`},
		{"athena_ip_dotted", `(s) AS list_transform([s], ip_s -> CASE WHEN strpos(ip_s, '.') = 0 THEN ip_s ELSE athena_ip_dotted_hex(regexp_extract(ip_s, '^(.*:)', 1), athena_ip_v4(regexp_extract(ip_s, '([^:]*)$', 1))) END)[1]`},
		{"athena_ip_parts", `(p) AS list_transform([p], ip_p -> CASE WHEN ip_p = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(ip_p, ':') END)[1]`},
		{"athena_ip_hextets", `(parts, n) AS list_transform([parts], ip_l -> CASE WHEN (n IS NULL OR len(ip_l) = n) AND list_bool_and(list_transform(ip_l, p -> regexp_full_match(p, '[0-9A-Fa-f]{1,4}'))) IS NOT false THEN list_transform(ip_l, p -> CAST('0x' || p AS INTEGER)) END)[1]`},
		{"athena_ip_skip", `(hi, lo) AS list_transform([[hi, lo]], ip_h -> CASE WHEN ip_h[1] IS NOT NULL AND ip_h[2] IS NOT NULL AND len(ip_h[1]) + len(ip_h[2]) <= 7 THEN ip_h[1] || list_transform(range(8 - len(ip_h[1]) - len(ip_h[2])), x -> 0) || ip_h[2] END)[1]`},
		{"athena_ip_v6", `(s) AS list_transform([s], ip_s -> CASE WHEN ip_s IS NULL OR NOT regexp_full_match(ip_s, '[0-9A-Fa-f:]{2,}') OR strpos(ip_s, ':::') > 0 OR length(ip_s) - length(replace(ip_s, '::', '')) > 2` +
			` OR (left(ip_s, 1) = ':' AND left(ip_s, 2) <> '::') OR (right(ip_s, 1) = ':' AND right(ip_s, 2) <> '::') THEN NULL` +
			` WHEN strpos(ip_s, '::') = 0 THEN athena_ip_hextets(string_split(ip_s, ':'), 8)` +
			` ELSE athena_ip_skip(athena_ip_hextets(athena_ip_parts(split_part(ip_s, '::', 1)), NULL), athena_ip_hextets(athena_ip_parts(split_part(ip_s, '::', 2)), NULL)) END)[1]`},
		{"athena_ip_groups", `(s) AS list_transform([s], ip_s -> CASE WHEN strpos(ip_s, ':') = 0 THEN athena_ip_v4_groups(athena_ip_v4(ip_s)) ELSE athena_ip_v6(athena_ip_dotted(regexp_replace(ip_s, '%.*$', ''))) END)[1]`},
		// Printing.
		{"athena_ip_is4", `(g) AS list_transform([g], ip_g -> ip_g[1:5] = [0, 0, 0, 0, 0] AND ip_g[6] = 65535)[1]`},
		{"athena_ip_hexjoin", `(l) AS array_to_string(list_transform(l, x -> printf('%x', x)), ':')`},
		{"athena_ip_zeroruns", `(g) AS list_transform([g], ip_g -> list_transform(range(1, 9), i -> CASE WHEN ip_g[i] <> 0 THEN 0 ELSE coalesce(list_position(list_transform(ip_g[i:8], x -> x <> 0), true), 10 - i) - 1 END))[1]`},
		{"athena_ip_v6text", `(g, r) AS list_transform([[list_max(r), list_position(r, list_max(r))]], ip_m -> CASE WHEN ip_m[1] >= 2 THEN athena_ip_hexjoin(g[1:ip_m[2] - 1]) || '::' || athena_ip_hexjoin(g[ip_m[2] + ip_m[1]:8]) ELSE athena_ip_hexjoin(g) END)[1]`},
		{"athena_ip_text", `(g) AS list_transform([g], ip_g -> CASE WHEN ip_g IS NULL THEN NULL WHEN athena_ip_is4(ip_g) THEN CAST(ip_g[7] // 256 AS VARCHAR) || '.' || CAST(ip_g[7] % 256 AS VARCHAR) || '.' || CAST(ip_g[8] // 256 AS VARCHAR) || '.' || CAST(ip_g[8] % 256 AS VARCHAR) ELSE athena_ip_v6text(ip_g, athena_ip_zeroruns(ip_g)) END)[1]`},
		// athena_ip_mask(g, n) keeps the first n of the 128 bits.
		{"athena_ip_mask", `(g, n) AS list_transform(range(1, 9), i -> (CAST(g[i] AS BIGINT) >> (16 - least(greatest(n - (i - 1) * 16, 0), 16))) << (16 - least(greatest(n - (i - 1) * 16, 0), 16)))`},
		{"athena_ip_offset", `(g) AS CASE WHEN athena_ip_is4(g) THEN 96 ELSE 0 END`},
		// CAST(s AS IPADDRESS) and TRY_CAST.
		{"athena_ipaddress", `(s) AS list_transform([CAST(s AS VARCHAR)], ip_s -> list_transform([athena_ip_groups(ip_s)], ip_g -> CASE WHEN ip_s IS NULL THEN NULL WHEN ip_g IS NULL THEN error('Cannot cast value to IPADDRESS: ' || ip_s) ELSE athena_ip_text(ip_g) END)[1])[1]`},
		{"athena_try_ipaddress", `(s) AS athena_ip_text(athena_ip_groups(CAST(s AS VARCHAR)))`},
		// CAST(s AS IPPREFIX) and TRY_CAST: address/length, the host bits
		// cleared; an IPv4 length is at most 32.
		{"athena_ip_prefix_text", `(g, n) AS list_transform([g], ip_g -> CASE WHEN ip_g IS NOT NULL AND n IS NOT NULL AND n >= 0 AND n <= CASE WHEN athena_ip_is4(ip_g) THEN 32 ELSE 128 END THEN athena_ip_text(athena_ip_mask(ip_g, athena_ip_offset(ip_g) + n)) || '/' || CAST(n AS VARCHAR) END)[1]`},
		{"athena_ip_prefix_parse", `(s) AS list_transform([s], ip_s -> CASE WHEN regexp_full_match(ip_s, '[^/]+/[0-9]{1,3}') THEN athena_ip_prefix_text(athena_ip_groups(split_part(ip_s, '/', 1)), CAST(split_part(ip_s, '/', 2) AS INTEGER)) END)[1]`},
		{"athena_ipprefix", `(s) AS list_transform([CAST(s AS VARCHAR)], ip_s -> list_transform([athena_ip_prefix_parse(ip_s)], ip_p -> CASE WHEN ip_s IS NULL THEN NULL WHEN ip_p IS NULL THEN error('Cannot cast value to IPPREFIX: ' || ip_s) ELSE ip_p END)[1])[1]`},
		{"athena_try_ipprefix", `(s) AS athena_ip_prefix_parse(CAST(s AS VARCHAR))`},
		// contains(cidr, address), as Trino's IpAddressFunctions.contains:
		// an IPv4 network with host bits set is an error, an IPv4 network
		// never contains an IPv6 address nor the reverse.
		{"athena_ip_contains_net", `(g, p, a, n) AS list_transform([[g, a]], ip_ga -> list_transform([ip_ga[1]], ip_g -> CASE` +
			` WHEN ip_g IS NULL THEN error('Invalid network IP address: ' || n)` +
			` WHEN p IS NULL THEN error('Invalid prefix length: ' || n)` +
			` WHEN p > CASE WHEN athena_ip_is4(ip_g) THEN 32 ELSE 128 END THEN error('Prefix length exceeds address length: ' || n)` +
			` WHEN athena_ip_is4(ip_g) AND athena_ip_mask(ip_g, 96 + p) <> athena_ip_mask(ip_g, 128) THEN error('Invalid CIDR: ' || n)` +
			` WHEN ip_ga[2] IS NULL THEN error('Invalid IP address')` +
			` WHEN athena_ip_is4(ip_g) <> athena_ip_is4(ip_ga[2]) THEN false` +
			` ELSE athena_ip_mask(ip_g, athena_ip_offset(ip_g) + p) = athena_ip_mask(ip_ga[2], athena_ip_offset(ip_g) + p) END)[1])[1]`},
		{"athena_ip_contains", `(n, a) AS list_transform([[CAST(n AS VARCHAR), CAST(a AS VARCHAR)]], ip_na -> CASE WHEN ip_na[1] IS NULL OR ip_na[2] IS NULL THEN NULL WHEN strpos(ip_na[1], '/') = 0 THEN error('Invalid CIDR: ' || ip_na[1])` +
			` ELSE athena_ip_contains_net(athena_ip_groups(substr(ip_na[1], 1, strpos(ip_na[1], '/') - 1)),` +
			` CASE WHEN regexp_full_match(substr(ip_na[1], strpos(ip_na[1], '/') + 1), '\+?[0-9]{1,9}') THEN CAST(substr(ip_na[1], strpos(ip_na[1], '/') + 1) AS INTEGER) END,` +
			` athena_ip_groups(ip_na[2]), ip_na[1]) END)[1]`},
	}
}
