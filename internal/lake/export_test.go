package lake

// SetTargetRows makes l's compactions write files of n rows, so that tests
// see full files and splits without a million events.
func SetTargetRows(l *Lake, n int) { l.targetRows = n }
