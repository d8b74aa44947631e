-- Presto JSONPath with brackets ($["key"]) on IAM requests.
-- order: any
SELECT json_extract_scalar(requestparameters, '$["userName"]') AS u, count(*) AS n
FROM cloudtrail
WHERE eventsource = 'iam.amazonaws.com'
  AND json_extract_scalar(requestparameters, '$["userName"]') IS NOT NULL
GROUP BY 1;
