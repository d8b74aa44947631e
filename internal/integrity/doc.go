// Package integrity verifies CloudTrail log file integrity offline, from the
// digest files that CloudTrail delivers when log file validation is on.
//
// Verify reads a copy of a trail bucket through a Store (list keys under a
// prefix, open an object, read an object's user metadata) and checks, for
// every digest file in range:
//
//   - the RSA signature (SHA256withRSA, PKCS #1 v1.5) over the string to
//     sign that AWS documents (see below), with the public key whose
//     fingerprint the digest names in digestPublicKeyFingerprint; the
//     fingerprint is the hex MD5 of the key's DER PKCS #1 encoding, as
//     `aws cloudtrail list-public-keys` prints it;
//   - that the digest sits where its digestS3Object says;
//   - the chain of each trail (account, region, trail name, taken from the
//     digest key): previousDigestHashValue is the hex SHA-256 of the
//     previous digest's uncompressed bytes, previousDigestSignature is the
//     previous digest's signature, and digestStartTime is the previous
//     digestEndTime. A deleted digest, or several, breaks the chain; a chain
//     that starts again (previous digest fields null) after earlier digests,
//     as when validation is re-enabled, is a restart and not a failure;
//   - every log file the digest names: present, and the SHA-256 of its
//     uncompressed bytes equal to hashValue.
//
// Log files in the range that no digest names are reported as uncovered.
//
// The string to sign is, joined by newlines: digestEndTime,
// digestS3Bucket + "/" + digestS3Object, the hex SHA-256 of the uncompressed
// digest file, and previousDigestSignature ("null" in the first digest of a
// chain):
//
//	2015-08-17T15:01:31Z
//	amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz
//	<hex sha-256 of the digest>
//	<hex signature of the previous digest>
//
// # Where signatures come from
//
// In S3 a digest's signature is the hex string in the object's metadata
// x-amz-meta-signature (the "signature" key of `aws s3api head-object`'s
// Metadata). A local copy (aws s3 sync) loses metadata, so FSStore reads it
// from sidecar files next to the digest:
//
//   - <digest file name>.sig: the hex signature, as printed by
//     `aws s3api head-object --bucket B --key K --query Metadata.signature`
//     (surrounding JSON quotes and white space are ignored);
//   - <digest file name>.metadata.json: the Metadata map of head-object
//     ({"signature": "...", "signature-algorithm": "SHA256withRSA"}), or the
//     whole head-object output holding it.
//
// A digest's signature is also written into the next digest of its chain
// (previousDigestSignature). When a digest has no signature of its own,
// Verify checks it with the one its successor records: the RSA check with
// the public key is what proves it, wherever the hex came from. A digest
// with neither is reported as unsigned (unverifiable), never as valid; so is
// a digest whose public key was not given.
package integrity
