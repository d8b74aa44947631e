-- AWS Big Data Blog (same post): operational activity, the most frequent calls to one service.
-- order: sorted:-3
SELECT eventsource, eventname, count(*) AS total
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
GROUP BY eventsource, eventname
ORDER BY total DESC;
