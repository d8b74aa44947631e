-- AWS documentation, TLS versions per caller (tlsdetails struct).
-- order: exact
SELECT useridentity.arn, tlsdetails.tlsversion, count(*) AS n
FROM cloudtrail
WHERE tlsdetails.tlsversion IS NOT NULL AND useridentity.arn IS NOT NULL
GROUP BY 1, 2
ORDER BY n DESC, 1, 2
LIMIT 5;
