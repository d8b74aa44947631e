-- title: Failed console logins by user and IP
-- question: Which users failed to sign in to the console, from which addresses, how often?
-- description: Failed ConsoleLogin events (responseElements ConsoleLogin Failure or an error message) counted by user name and source address, with the time span and whether the same address later signed in successfully.
WITH logins AS (
  SELECT * FROM cloudtrail
  WHERE year || '-' || month || '-' || day BETWEEN :since_day AND :until_day
  AND eventtimestamp >= :since AND eventtimestamp < :until
  AND (:account = '' OR account = :account)
    AND eventsource = 'signin.amazonaws.com' AND eventname = 'ConsoleLogin'
)
SELECT account, coalesce(useridentity.username, useridentity.arn, useridentity.type) AS user_name,
       sourceipaddress, count(*) AS failures, min(eventtime) AS first_failure, max(eventtime) AS last_failure,
       min(errormessage) AS error_message,
       (SELECT count(*) FROM logins s
        WHERE s.sourceipaddress = f.sourceipaddress AND s.account = f.account
          AND json_extract_scalar(s.responseelements, '$.ConsoleLogin') = 'Success'
          AND s.eventtimestamp > min(f.eventtimestamp)) AS later_successes_from_ip
FROM logins f
WHERE json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure' OR errormessage IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY failures DESC, account, user_name, sourceipaddress
