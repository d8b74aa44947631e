package integrity

import "errors"

// Errors that findings wrap. IsTampered and IsUnverifiable sort them.
var (
	// ErrSignatureMismatch: the digest's signature does not verify with the
	// public key it names.
	ErrSignatureMismatch = errors.New("integrity: digest signature mismatch")
	// ErrDigestMoved: the digest is not at the key its digestS3Object names.
	ErrDigestMoved = errors.New("integrity: digest moved from its digestS3Object")
	// ErrMalformedDigest: the digest file is not gzip JSON of a digest.
	ErrMalformedDigest = errors.New("integrity: malformed digest file")
	// ErrUnsupportedAlgorithm: a signature or hash algorithm other than
	// SHA256withRSA / SHA-256.
	ErrUnsupportedAlgorithm = errors.New("integrity: unsupported algorithm")
	// ErrDigestMissing: a digest that the chain names is not in the source.
	ErrDigestMissing = errors.New("integrity: digest missing")
	// ErrChainBroken: a digest does not link to the digest before it.
	ErrChainBroken = errors.New("integrity: digest chain broken")
	// ErrLogModified: a log file's SHA-256 differs from its digest's.
	ErrLogModified = errors.New("integrity: log file hash mismatch")
	// ErrLogDeleted: a log file that a digest names is not in the source.
	ErrLogDeleted = errors.New("integrity: log file deleted")
	// ErrLogUncovered: a log file in range that no digest names.
	ErrLogUncovered = errors.New("integrity: log file not covered by any digest")

	// ErrNoSignature: neither the digest's metadata nor a later digest
	// gives its signature.
	ErrNoSignature = errors.New("integrity: digest signature not available")
	// ErrUnknownKey: no public key with the digest's fingerprint was given.
	ErrUnknownKey = errors.New("integrity: no public key with the digest's fingerprint")

	// ErrVerificationFailed is what callers wrap when a report has
	// failures.
	ErrVerificationFailed = errors.New("integrity: verification failed")
	// ErrNoDigests: an account and region has log files but no digest
	// files (log file validation is off, or was never on): its log files
	// cannot be verified.
	ErrNoDigests = errors.New("integrity: no digest files")
	// ErrNothingToVerify: the source holds no digest or log file in range.
	ErrNothingToVerify = errors.New("integrity: no digest or log files found")
)

// IsTampered reports whether err says that a digest or log file was
// modified, moved, deleted or forged.
func IsTampered(err error) bool {
	for _, e := range []error{ErrSignatureMismatch, ErrDigestMoved, ErrMalformedDigest,
		ErrDigestMissing, ErrChainBroken, ErrLogModified, ErrLogDeleted, ErrLogUncovered} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// IsUnverifiable reports whether err says that a digest could not be
// checked for lack of a signature or a public key, or that log files could
// not be checked for lack of digests.
func IsUnverifiable(err error) bool {
	return errors.Is(err, ErrNoSignature) || errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrNoDigests)
}
