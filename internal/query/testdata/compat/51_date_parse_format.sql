-- Presto date functions with MySQL formats (date_parse, date_format).
-- order: exact
SELECT date_format(date_parse('30/09/2019 10:15', '%d/%m/%Y %H:%i'), '%Y-%m-%dT%H:%i:%sZ') AS t;
