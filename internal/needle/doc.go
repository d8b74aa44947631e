// Package needle is the token index of the lake's data files: for each
// Parquet file, the identifiers its records contain (security group and
// instance ids, ARNs, access key ids, IP addresses, bucket names, event
// ids ...), so that a query that looks for one value opens only the files
// that may hold it instead of scanning all of them.
//
// # Tokens
//
// A token is a maximal run of token characters (ASCII letters, digits and
// - _ . / @) of at least MinLen bytes in a column's value. Every
// occurrence of a string made only of token characters lies inside one
// token, so the index answers exactly, never missing a file:
//
//   - col = 'v' can only hold in a file whose index has v's longest run as
//     a token (MayHaveToken: a split-block bloom filter of every token);
//   - col LIKE '%v%' can only hold in a file where some token contains v's
//     longest run (MayContain: a substring search over the file's sorted
//     distinct tokens of the text columns).
//
// JSON text columns are also tokenised with their escapes decoded, so the
// strings that json_extract_scalar returns are found too. Identifier
// columns whose values are unique to a record (eventid, requestid,
// sharedeventid) are in the bloom filter only, which keeps the index small.
//
// # Files
//
// The index of data file <name>.parquet is the sidecar _<name>.tokens in
// the same partition folder (Hive readers such as Athena skip files whose
// names start with an underscore). It is written before its data file
// appears; a data file without a readable sidecar is simply always read.
package needle
