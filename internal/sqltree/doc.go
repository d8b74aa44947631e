// Package sqltree parses the SQL of Athena (Trino's dialect) into a
// syntax tree, walks and rewrites the tree, and prints it back as SQL.
//
// It is the first stage of the query layer: a query is parsed, passes
// over the tree translate it to DuckDB, prune the files it reads and
// recognise top-N shapes, and the result is printed. Every node records
// the byte offset of its first token (see LineColumn), so that a pass can
// point at the text it objects to.
//
// The parser is hand-written recursive descent rather than DuckDB's
// json_serialize_sql, for three reasons: DuckDB's Postgres grammar
// silently joins adjacent string literals ('a' 'b' is 'ab'), so that
// IN ('A'
// 'B') quietly becomes IN ('AB') where Athena reports an error; it
// loses distinctions Trino makes (UNNEST with ORDINALITY and column
// aliases, typed literals, lambdas, IGNORE NULLS, which words are
// reserved); and its positions are its own, not offsets we control.
//
// # Grammar
//
// Statements: queries, SHOW TABLES/VIEWS [FROM schema] [LIKE pattern],
// SHOW COLUMNS FROM table, SHOW PARTITIONS table, SHOW CREATE TABLE/VIEW
// name, SHOW FUNCTIONS/SCHEMAS/DATABASES [LIKE pattern], SHOW
// TBLPROPERTIES table, DESCRIBE table and EXPLAIN [ANALYZE] statement.
// Any other statement (INSERT, CREATE, MSCK, ALTER, UNLOAD, ...) is an
// *UnsupportedError naming it; the caller words the message.
//
// Queries: WITH [RECURSIVE] with column lists; SELECT [DISTINCT|ALL] with
// aliases (AS optional), * and t.*; FROM with comma lists, [INNER], LEFT,
// RIGHT, FULL [OUTER] and CROSS joins with ON or USING, subqueries and
// LATERAL subqueries, UNNEST(...) [WITH ORDINALITY], aliases with column
// lists, qualified and quoted table names; WHERE; GROUP BY [ALL|DISTINCT]
// with expressions, ordinals, GROUPING SETS, ROLLUP, CUBE and (); HAVING;
// WINDOW; UNION, INTERSECT and EXCEPT [ALL|DISTINCT], INTERSECT binding
// tighter; ORDER BY with ASC/DESC and NULLS FIRST/LAST; OFFSET n
// [ROW|ROWS]; LIMIT n|ALL; FETCH FIRST|NEXT [n] ROW|ROWS ONLY|WITH TIES;
// VALUES; TABLE name; parenthesised queries. Two extensions that are not
// Athena's: DuckDB's QUALIFY, which a built-in report uses, and LIMIT n
// OFFSET m in that order, which the query layer's tests use.
//
// Expressions, loosest first: lambdas x -> e and (x, y) -> e; OR; AND;
// NOT; one comparison (= <> != < <= > >=, quantified with ANY/SOME/ALL
// (query)), IS [NOT] NULL, IS [NOT] DISTINCT FROM, [NOT] BETWEEN, [NOT]
// IN (list or query), [NOT] LIKE [ESCAPE]; ||; + -; * / %; unary + -;
// AT TIME ZONE; and primaries: literals (strings with doubled quotes, U&'...',
// X'...', numbers, TRUE/FALSE/NULL, typed literals like DATE '...' and
// TIMESTAMP '...', INTERVAL '7' DAY [TO SECOND]), ?, identifiers (quoted
// or not, keeping the spelling), a.b.c, x[i], function calls with
// DISTINCT, *, ORDER BY, WITHIN GROUP, FILTER (WHERE ...), IGNORE/RESPECT
// NULLS and OVER (PARTITION BY ... ORDER BY ... ROWS/RANGE/GROUPS frame)
// or OVER name, CAST and TRY_CAST with Trino's types, CASE, EXISTS,
// scalar subqueries, ARRAY[...], ROW(...) and (a, b), EXTRACT, position(x
// IN y), trim([BOTH|LEADING|TRAILING] [x] FROM y), substring(x FROM a FOR
// b), CURRENT_DATE, CURRENT_TIMESTAMP and the other niladic forms.
//
// Keywords are case-insensitive. Only Trino's reserved words (SELECT,
// FROM, CASE, ...) need quotes to be identifiers; YEAR, MONTH, DAY,
// REGION, TIMESTAMP, DATE, POSITION, ROW, KEY, VALUE and every other
// keyword can name a column. Comments (-- and /* */) may appear anywhere.
//
// Strings written side by side with nothing between them are an error, as
// in Athena. Errors are *Error values with the line and column, and
// Error.Context shows the line with a caret under the spot. No input
// makes the parser panic; nesting deeper than 1000 levels is an error.
//
// Format prints a tree as canonical SQL that parses back to the same
// tree; Walk and Rewrite traverse it.
package sqltree
