// Package report is trailsql's library of built-in investigations: the
// questions people bring to CloudTrail logs, each answered by one SQL
// query in Athena's dialect, embedded in the binary.
//
// Every report is one file under reports/, NAME.sql, that starts with a
// header of SQL comments naming its title, the question it answers, a
// description and its parameters:
//
//	-- title: Security groups opened to the world
//	-- question: Who allowed traffic from anywhere into a security group, and when?
//	-- description: Parses the request of AuthorizeSecurityGroupIngress ...
//	-- param: group (string, default ''): only this security group id
//
// The SQL refers to parameters as :name. Load checks that every name is
// declared (or one of the scope parameters below) and every declaration
// used; Run replaces each :name by a ? placeholder and binds the value, so
// no value is ever pasted into SQL text.
//
// Every report also receives the scope parameters, which narrow it in time
// and to one account and let the engine prune partitions: :since and
// :until (TIMESTAMPs, since inclusive, until exclusive), :since_day and
// :until_day (the same as 'YYYY-MM-DD' strings, compared with the
// partition columns) and :account (empty for every account).
//
// A report that asks what built-in detection rules ask names them in its
// header, `-- rule: name, ...` (rules of internal/detect/pack): every
// SELECT of its SQL that reads the cloudtrail table also keeps only the
// events one of those rules matches, the rules' condition as package
// detect compiles it, added to the syntax tree (package sqltree) of the
// bound query. The report's own SQL then holds only its scope and how it
// presents the events, and the report and the rules answer from one
// condition.
//
// Timeline lists, in time order, every event of a principal, touching a
// resource, or from a source address. WriteMarkdown and WriteHTML render a
// report run as an incident-ready document.
package report
