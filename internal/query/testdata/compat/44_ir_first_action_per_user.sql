-- Incident-response guides: each IAM user's first recorded action (window function in a CTE).
-- order: exact
WITH ranked AS (
  SELECT useridentity.arn AS arn, eventname, eventtime,
         row_number() OVER (PARTITION BY useridentity.arn ORDER BY eventtime) AS rn
  FROM cloudtrail
  WHERE useridentity.type = 'IAMUser' AND useridentity.arn IS NOT NULL)
SELECT arn, eventname, eventtime FROM ranked WHERE rn = 1 ORDER BY eventtime;
