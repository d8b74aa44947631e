// Package needle is the token index of the lake's data files: for each
// Parquet file, a bloom filter of the identifiers its records contain
// (security group and instance ids, ARNs, access key ids, IP addresses,
// bucket names, event ids ...), so that a query that looks for one value
// opens only the files that may hold it instead of scanning all of them.
//
// # What is indexed
//
// A token is a maximal run of token characters (ASCII letters, digits and
// - _ . / @) of at least MinLen bytes in a column's value; a subtoken is a
// maximal run of letters and digits inside a token. The bloom filter holds,
// for the columns listed in columns.go, every token, every subtoken of two
// bytes or more, and each subtoken's prefixes of the lengths in affixLens
// that are shorter than it. JSON columns are also tokenised
// with the escapes of their strings decoded, so that the values
// json_extract_scalar returns are found too. Identifier columns whose
// values are unique to a record (eventid, requestid, sharedeventid) add
// their tokens only, which keeps the index small: about a fifth of the
// Parquet size on generated data.
//
// # Why the answers are exact
//
// The index is only ever asked "can this file hold a row that the
// predicate keeps?", and says no only when that is certain:
//
//   - col = 'v': the value is v, so v's runs of token characters are the
//     value's tokens, and the file has v's longest run as a token
//     (EqualProbe).
//   - col LIKE '%r%' (each literal run r of the pattern): wherever r
//     occurs, it lies inside one token, since it is made of token
//     characters. Split r at its separators (- _ . / @) into pieces: the
//     inner pieces are whole subtokens of that token and the last one
//     starts a subtoken, so the file has those subtokens and a prefix of
//     the last piece (LikeProbe). A run without separators may sit
//     anywhere inside a subtoken: the index cannot tell, and the file is
//     read.
//
// A bloom filter has false positives (a file is read for nothing) but no
// false negatives. TestCorpusNeverMisses and FuzzBuild check the argument
// on the real-event corpus and on arbitrary values.
//
// # Files
//
// The index of data file <name>.parquet is the sidecar _<name>.tokens in
// the same partition folder (Hive readers such as Athena skip files whose
// names start with an underscore). It is written and synced before its
// data file appears. Queries read only the header and the 32-byte blocks
// that their keys fall in. A data file without a readable sidecar is
// always read.
//
// The sidecar also holds a Summary of its data file: the number of
// records, the range of their eventTime text and that of their parsed
// times. A query for the newest (or oldest) N events uses it to read only
// the files whose range can hold them, and the lake's catalog adds the
// summaries up instead of scanning. Sidecars of format 3, written before
// summaries, are still read.
package needle
