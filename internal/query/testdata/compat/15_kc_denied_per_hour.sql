-- AWS Knowledge Center, troubleshoot AccessDenied/UnauthorizedOperation errors, counted per principal and hour.
-- order: exact
SELECT useridentity.arn, date_trunc('hour', from_iso8601_timestamp(eventtime)) AS hour, count(*) AS denied
FROM cloudtrail
WHERE errorcode IN ('AccessDenied', 'Client.UnauthorizedOperation', 'UnauthorizedOperation')
GROUP BY 1, 2
ORDER BY denied DESC, 2, 1;
