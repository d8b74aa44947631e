package app

import "errors"

// InputError marks an error in what the caller asked for (a bad option, an
// unknown report, a parameter of the wrong type): the command line exits
// with a usage error, the server answers 400.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInput reports whether err is (or wraps) an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// inputErr marks err as the caller's; nil stays nil.
func inputErr(err error) error {
	if err == nil || IsInput(err) {
		return err
	}
	return &InputError{Err: err}
}
