package lake

// SetTargetRows makes l's compactions write files of n rows, so that tests
// see full files and splits without a million events.
func SetTargetRows(l *Lake, n int) { l.targetRows = n }

// SetTypedMerge makes l's compactions decode every row into Go values, as
// they must for files of the older layout.
func SetTypedMerge(l *Lake, typed bool) { l.typedMerge = typed }

// TierOf is tierOf, for tests.
func TierOf(rows int64, target int) int { return tierOf(rows, target) }
