package sqltree

// Pos is a byte offset in the source text. LineColumn turns it into a
// line and column.
type Pos int

// Node is any node of the syntax tree.
type Node interface {
	// Position returns the offset of the node's first token.
	Position() Pos
	// String returns the node as canonical SQL; see Format.
	String() string
}

// Statement is a parsed statement: *Query, *Show, *Describe or *Explain.
type Statement interface {
	Node
	stmtNode()
}

// QueryBody is the body of a query: *Select, *SetOp, *Values, *TableQuery
// or a parenthesised *Query.
type QueryBody interface {
	Node
	bodyNode()
}

// Relation is an item of a FROM clause: *Table, *SubqueryRelation,
// *Unnest, *ParenRelation, *Sample or *Join.
type Relation interface {
	Node
	relationNode()
}

// Expr is an expression.
type Expr interface {
	Node
	exprNode()
}

// ---- Statements and queries ----

// Query is a query: WITH, a body, ORDER BY, OFFSET and LIMIT or FETCH.
// A parenthesised query with its own WITH, ORDER BY, OFFSET or LIMIT can
// be the body of another query or an operand of a set operation.
type Query struct {
	Pos     Pos
	With    *With // or nil
	Body    QueryBody
	OrderBy []*OrderItem
	Offset  Expr   // or nil
	Limit   *Limit // or nil
}

// With is a WITH clause.
type With struct {
	Pos       Pos
	Recursive bool
	CTEs      []*CTE
}

// CTE is one common table expression: name [(columns)] AS (query).
type CTE struct {
	Pos     Pos
	Name    *Ident
	Columns []*Ident
	Query   *Query
}

// Limit is LIMIT n, LIMIT ALL or FETCH FIRST [n] ROWS {ONLY | WITH TIES}.
type Limit struct {
	Pos      Pos
	Count    Expr // nil for LIMIT ALL or FETCH FIRST ROW
	All      bool // LIMIT ALL
	Fetch    bool // FETCH FIRST rather than LIMIT
	WithTies bool // FETCH ... WITH TIES
}

// OrderItem is an ORDER BY item.
type OrderItem struct {
	Pos   Pos
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// NullsOrder is the NULLS FIRST/LAST of an ORDER BY item.
type NullsOrder uint8

// The NULLS orders.
const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

// Select is SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ... WINDOW.
type Select struct {
	Pos      Pos
	Distinct bool
	Items    []*SelectItem
	From     []Relation // comma-separated
	Where    Expr       // or nil
	GroupBy  *GroupBy   // or nil
	Having   Expr       // or nil
	Windows  []*WindowDef
	// Qualify is DuckDB's QUALIFY filter on window functions, or nil.
	// Athena has no QUALIFY; it is parsed because built-in reports use it.
	Qualify Expr
}

// SelectItem is an item of a SELECT list: an expression (possibly a
// *Star) and an optional alias.
type SelectItem struct {
	Pos   Pos
	Expr  Expr
	Alias *Ident // or nil
}

// GroupBy is a GROUP BY clause. Its items are expressions (a number is an
// ordinal) and *GroupingSets.
type GroupBy struct {
	Pos      Pos
	Distinct bool
	Items    []Expr
}

// GroupingKind tells GROUPING SETS, ROLLUP and CUBE apart.
type GroupingKind uint8

// The kinds of grouping element.
const (
	GroupingSetsKind GroupingKind = iota
	RollupKind
	CubeKind
)

// GroupingSets is GROUPING SETS ((a, b), (a), ()), ROLLUP (a, b) or
// CUBE (a, b) in a GROUP BY clause. For ROLLUP and CUBE each set has one
// expression. GROUP BY () parses as GROUPING SETS (()).
type GroupingSets struct {
	Pos  Pos
	Kind GroupingKind
	Sets [][]Expr
}

// WindowDef is a named window of a WINDOW clause.
type WindowDef struct {
	Pos  Pos
	Name *Ident
	Spec *WindowSpec
}

// WindowSpec is the inside of OVER (...) or of a WINDOW definition.
type WindowSpec struct {
	Pos         Pos
	Base        *Ident // an existing window's name, or nil
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *Frame // or nil
}

// Frame is ROWS/RANGE/GROUPS [BETWEEN start AND end].
type Frame struct {
	Pos   Pos
	Unit  string // "ROWS", "RANGE" or "GROUPS"
	Start *FrameBound
	End   *FrameBound // nil without BETWEEN
}

// FrameBound is a frame bound.
type FrameBound struct {
	Pos    Pos
	Kind   BoundKind
	Offset Expr // for Preceding and Following
}

// BoundKind is the kind of a frame bound.
type BoundKind uint8

// The frame bounds.
const (
	UnboundedPreceding BoundKind = iota
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// SetOp is a UNION, INTERSECT or EXCEPT of two query bodies.
type SetOp struct {
	Pos   Pos
	Op    string // "UNION", "INTERSECT" or "EXCEPT"
	All   bool
	Left  QueryBody
	Right QueryBody
}

// Values is VALUES row, row, ...; a row of several columns is a *RowExpr.
type Values struct {
	Pos  Pos
	Rows []Expr
}

// TableQuery is TABLE name, the same as SELECT * FROM name.
type TableQuery struct {
	Pos  Pos
	Name []*Ident
}

// Show is SHOW TABLES [FROM schema] [LIKE pattern], SHOW COLUMNS FROM
// table, SHOW PARTITIONS table, SHOW CREATE TABLE/VIEW name, SHOW
// FUNCTIONS [LIKE pattern], SHOW SCHEMAS/DATABASES [LIKE pattern], SHOW
// VIEWS [FROM schema] or SHOW TBLPROPERTIES table.
type Show struct {
	Pos  Pos
	What string   // "TABLES", "COLUMNS", "PARTITIONS", "CREATE TABLE", ...
	Name []*Ident // the table or schema, or nil
	Like Expr     // or nil
}

// Describe is DESCRIBE table.
type Describe struct {
	Pos  Pos
	Name []*Ident
}

// Explain is EXPLAIN [ANALYZE] statement.
type Explain struct {
	Pos     Pos
	Analyze bool
	Stmt    Statement
}

// ---- Relations ----

// TableAlias is [AS] name [(columns)] after a relation.
type TableAlias struct {
	Pos     Pos
	Name    *Ident
	Columns []*Ident
}

// Table is a table or view name, possibly qualified by schema and catalog.
type Table struct {
	Pos   Pos
	Name  []*Ident
	Alias *TableAlias // or nil
}

// SubqueryRelation is [LATERAL] (query) [AS] alias.
type SubqueryRelation struct {
	Pos     Pos
	Lateral bool
	Query   *Query
	Alias   *TableAlias // or nil
}

// Unnest is UNNEST(expr, ...) [WITH ORDINALITY] [AS] alias.
type Unnest struct {
	Pos        Pos
	Args       []Expr
	Ordinality bool
	Alias      *TableAlias // or nil
}

// Sample is relation TABLESAMPLE BERNOULLI|SYSTEM (percentage).
type Sample struct {
	Pos     Pos
	Rel     Relation
	Method  string // BERNOULLI or SYSTEM, upper case
	Percent Expr
}

// ParenRelation is a parenthesised relation with an alias; without an
// alias the parentheses are dropped.
type ParenRelation struct {
	Pos   Pos
	Rel   Relation
	Alias *TableAlias
}

// JoinKind is the kind of a join.
type JoinKind uint8

// The kinds of join.
const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
	CrossJoin
)

// Join is left [kind] JOIN right [ON cond | USING (columns)].
type Join struct {
	Pos   Pos
	Kind  JoinKind
	Left  Relation
	Right Relation
	On    Expr // or nil
	Using []*Ident
}

// ---- Expressions ----

// Ident is an identifier: a column, alias, field or part of a name. Name
// is spelled as written (without the quotes of a quoted identifier).
type Ident struct {
	Pos    Pos
	Name   string
	Quoted bool
}

// Dereference is X.Field: a column of a table or a field of a row.
type Dereference struct {
	Pos   Pos
	X     Expr
	Field *Ident
}

// Subscript is X[Index].
type Subscript struct {
	Pos   Pos
	X     Expr
	Index Expr
}

// Star is * or qualifier.* in a SELECT list, or the * of count(*).
type Star struct {
	Pos       Pos
	Qualifier Expr // or nil
}

// StringLit is a string literal. Value has doubled quotes undone. For a
// Unicode literal U&'...', Value keeps the escapes as written.
type StringLit struct {
	Pos     Pos
	Value   string
	Unicode bool
}

// NumberLit is a number as written: 12, 1.5, .5, 1e3.
type NumberLit struct {
	Pos  Pos
	Text string
}

// BinaryLit is X'hex'.
type BinaryLit struct {
	Pos Pos
	Hex string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Pos   Pos
	Value bool
}

// NullLit is NULL.
type NullLit struct {
	Pos Pos
}

// TypedLit is a type name followed by a string: DATE '2019-09-30',
// TIMESTAMP '...', DECIMAL '1.5'. Type is upper case.
type TypedLit struct {
	Pos   Pos
	Type  string
	Value string
}

// IntervalLit is INTERVAL [-] 'value' from [TO to], like INTERVAL '7' DAY.
type IntervalLit struct {
	Pos      Pos
	Negative bool
	Value    string
	From     string // YEAR, MONTH, DAY, HOUR, MINUTE or SECOND
	To       string // or ""
}

// Param is a ? parameter; Index counts them from 0 in order of appearance.
type Param struct {
	Pos   Pos
	Index int
}

// FuncCall is a function call, possibly an aggregate or window function.
type FuncCall struct {
	Pos         Pos
	Name        []*Ident // qualified name
	Distinct    bool
	Args        []Expr // count(*) has one *Star
	OrderBy     []*OrderItem
	Filter      Expr   // FILTER (WHERE ...), or nil
	NullTreat   string // "IGNORE" or "RESPECT" NULLS, or ""
	Over        *WindowSpec
	OverName    *Ident // OVER name
	WithinGroup []*OrderItem
}

// Lambda is x -> body or (x, y) -> body.
type Lambda struct {
	Pos    Pos
	Params []*Ident
	Body   Expr
}

// Cast is CAST(X AS Type) or TRY_CAST(X AS Type).
type Cast struct {
	Pos  Pos
	X    Expr
	Type *Type
	Try  bool
}

// Type is a data type: VARCHAR, VARCHAR(10), DECIMAL(10, 2),
// ARRAY(VARCHAR), MAP(VARCHAR, BIGINT), ROW(a VARCHAR, b BIGINT),
// TIMESTAMP(3) WITH TIME ZONE. Name is upper case; array<t> and
// map<k, v> become ARRAY(t) and MAP(k, v), DOUBLE PRECISION becomes DOUBLE.
type Type struct {
	Pos          Pos
	Name         string
	Args         []*TypeArg
	WithTimeZone bool
}

// TypeArg is a type parameter: a number, a type, or a named row field.
type TypeArg struct {
	Pos    Pos
	Number string // a numeric parameter, or ""
	Field  *Ident // a ROW field's name, or nil
	Type   *Type  // or nil for a number
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	Pos     Pos
	Operand Expr // nil for a searched CASE
	Whens   []*When
	Else    Expr // or nil
}

// When is WHEN Cond THEN Result.
type When struct {
	Pos    Pos
	Cond   Expr
	Result Expr
}

// Unary is -X, +X or NOT X; Op is "-", "+" or "NOT".
type Unary struct {
	Pos Pos
	Op  string
	X   Expr
}

// Binary is X Op Y for Op one of OR AND = <> < <= > >= || + - * / %.
// != parses as <>.
type Binary struct {
	Pos Pos
	Op  string
	X   Expr
	Y   Expr
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	Pos Pos
	X   Expr
	Not bool
}

// IsDistinct is X IS [NOT] DISTINCT FROM Y.
type IsDistinct struct {
	Pos Pos
	X   Expr
	Y   Expr
	Not bool
}

// Between is X [NOT] BETWEEN Low AND High.
type Between struct {
	Pos  Pos
	X    Expr
	Low  Expr
	High Expr
	Not  bool
}

// In is X [NOT] IN (list) or X [NOT] IN (query).
type In struct {
	Pos   Pos
	X     Expr
	List  []Expr
	Query *Query // instead of List
	Not   bool
}

// Like is X [NOT] LIKE Pattern [ESCAPE Escape].
type Like struct {
	Pos     Pos
	X       Expr
	Pattern Expr
	Escape  Expr // or nil
	Not     bool
}

// Exists is EXISTS (query).
type Exists struct {
	Pos   Pos
	Query *Query
}

// Subquery is a scalar subquery (query).
type Subquery struct {
	Pos   Pos
	Query *Query
}

// Quantified is X Op ANY|SOME|ALL (query).
type Quantified struct {
	Pos        Pos
	X          Expr
	Op         string
	Quantifier string // "ANY", "SOME" or "ALL"
	Query      *Query
}

// ArrayExpr is ARRAY[elems].
type ArrayExpr struct {
	Pos   Pos
	Elems []Expr
}

// RowExpr is ROW(a, b) or (a, b).
type RowExpr struct {
	Pos   Pos
	Elems []Expr
}

// AtTimeZone is X AT TIME ZONE Zone.
type AtTimeZone struct {
	Pos  Pos
	X    Expr
	Zone Expr
}

// Extract is EXTRACT(Field FROM X); Field is upper case.
type Extract struct {
	Pos   Pos
	Field string
	X     Expr
}

// Special is a niladic special form: CURRENT_DATE, CURRENT_TIME[(p)],
// CURRENT_TIMESTAMP[(p)], LOCALTIME[(p)], LOCALTIMESTAMP[(p)],
// CURRENT_USER, CURRENT_CATALOG, CURRENT_SCHEMA or CURRENT_PATH.
type Special struct {
	Pos       Pos
	Name      string
	Precision string // or ""
}

// Position is position(Sub IN X).
type Position struct {
	Pos Pos
	Sub Expr
	X   Expr
}

// Trim is trim([BOTH|LEADING|TRAILING] [Chars] FROM X). A plain trim(x)
// or trim(x, chars) is a *FuncCall.
type Trim struct {
	Pos   Pos
	Where string // "BOTH", "LEADING", "TRAILING" or ""
	Chars Expr   // or nil
	X     Expr
}
