// Package gaps finds holes in CloudTrail delivery: for each account and
// region of a lake, the hours without events or without log files between
// hours that have both, and the intervals in which a trail was stopped
// (StopLogging, DeleteTrail) until it was started again (StartLogging).
//
// Evidence of delivery comes from two places: the lake's events (their
// eventtimestamp, by hour) and the lake's manifest (the log files read, by
// the hour in their names, <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_...).
// Find returns a Report; WriteText prints it as compact tables and WriteSVG
// draws it as a heat-map of hours by account and region.
package gaps
