package sqltree

import "testing"

// benchQuery is a typical 20-line investigation query.
const benchQuery = `-- Console logins without MFA, with the caller's other activity.
WITH logins AS (
  SELECT eventtime, account, useridentity.arn AS arn, sourceipaddress,
         json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfa
  FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN '2019-09-01' AND '2019-09-30'
    AND eventsource = 'signin.amazonaws.com' AND eventname = 'ConsoleLogin'
    AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
)
SELECT l.account, l.arn, l.sourceipaddress, count(*) AS logins,
       min(from_iso8601_timestamp(l.eventtime)) AS first_login,
       array_join(array_sort(array_agg(DISTINCT c.eventname)), ', ') AS calls,
       count_if(c.errorcode IS NOT NULL) AS errors,
       row_number() OVER (PARTITION BY l.account ORDER BY count(*) DESC) AS rank
FROM logins l
LEFT JOIN cloudtrail c ON c.useridentity.arn = l.arn AND c.readonly = 'false'
  AND from_iso8601_timestamp(c.eventtime) BETWEEN from_iso8601_timestamp(l.eventtime)
      AND from_iso8601_timestamp(l.eventtime) + INTERVAL '1' HOUR
WHERE l.mfa <> 'Yes' AND l.sourceipaddress NOT IN ('10.0.0.1', '10.0.0.2')
GROUP BY 1, 2, 3
ORDER BY logins DESC, l.arn NULLS LAST
LIMIT 100`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchQuery)))
	for b.Loop() {
		if _, err := Parse(benchQuery); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	s, err := Parse(benchQuery)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Format(s)
	}
}
