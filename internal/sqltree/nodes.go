package sqltree

// Position, String and the marker methods of every node type.

func (n *Query) Position() Pos            { return n.Pos }
func (n *Show) Position() Pos             { return n.Pos }
func (n *Describe) Position() Pos         { return n.Pos }
func (n *Explain) Position() Pos          { return n.Pos }
func (n *Select) Position() Pos           { return n.Pos }
func (n *SetOp) Position() Pos            { return n.Pos }
func (n *Values) Position() Pos           { return n.Pos }
func (n *TableQuery) Position() Pos       { return n.Pos }
func (n *Table) Position() Pos            { return n.Pos }
func (n *SubqueryRelation) Position() Pos { return n.Pos }
func (n *Unnest) Position() Pos           { return n.Pos }
func (n *ParenRelation) Position() Pos    { return n.Pos }
func (n *Sample) Position() Pos           { return n.Pos }
func (n *Join) Position() Pos             { return n.Pos }
func (n *Ident) Position() Pos            { return n.Pos }
func (n *Dereference) Position() Pos      { return n.Pos }
func (n *Subscript) Position() Pos        { return n.Pos }
func (n *Star) Position() Pos             { return n.Pos }
func (n *StringLit) Position() Pos        { return n.Pos }
func (n *NumberLit) Position() Pos        { return n.Pos }
func (n *BinaryLit) Position() Pos        { return n.Pos }
func (n *BoolLit) Position() Pos          { return n.Pos }
func (n *NullLit) Position() Pos          { return n.Pos }
func (n *TypedLit) Position() Pos         { return n.Pos }
func (n *IntervalLit) Position() Pos      { return n.Pos }
func (n *Param) Position() Pos            { return n.Pos }
func (n *FuncCall) Position() Pos         { return n.Pos }
func (n *Lambda) Position() Pos           { return n.Pos }
func (n *Cast) Position() Pos             { return n.Pos }
func (n *Case) Position() Pos             { return n.Pos }
func (n *Unary) Position() Pos            { return n.Pos }
func (n *Binary) Position() Pos           { return n.Pos }
func (n *IsNull) Position() Pos           { return n.Pos }
func (n *IsDistinct) Position() Pos       { return n.Pos }
func (n *Between) Position() Pos          { return n.Pos }
func (n *In) Position() Pos               { return n.Pos }
func (n *Like) Position() Pos             { return n.Pos }
func (n *Exists) Position() Pos           { return n.Pos }
func (n *Subquery) Position() Pos         { return n.Pos }
func (n *Quantified) Position() Pos       { return n.Pos }
func (n *ArrayExpr) Position() Pos        { return n.Pos }
func (n *RowExpr) Position() Pos          { return n.Pos }
func (n *AtTimeZone) Position() Pos       { return n.Pos }
func (n *Extract) Position() Pos          { return n.Pos }
func (n *Special) Position() Pos          { return n.Pos }
func (n *Position) Position() Pos         { return n.Pos }
func (n *Trim) Position() Pos             { return n.Pos }
func (n *GroupingSets) Position() Pos     { return n.Pos }
func (n *With) Position() Pos             { return n.Pos }
func (n *CTE) Position() Pos              { return n.Pos }
func (n *Limit) Position() Pos            { return n.Pos }
func (n *OrderItem) Position() Pos        { return n.Pos }
func (n *SelectItem) Position() Pos       { return n.Pos }
func (n *GroupBy) Position() Pos          { return n.Pos }
func (n *WindowDef) Position() Pos        { return n.Pos }
func (n *WindowSpec) Position() Pos       { return n.Pos }
func (n *Frame) Position() Pos            { return n.Pos }
func (n *FrameBound) Position() Pos       { return n.Pos }
func (n *TableAlias) Position() Pos       { return n.Pos }
func (n *Type) Position() Pos             { return n.Pos }
func (n *TypeArg) Position() Pos          { return n.Pos }
func (n *When) Position() Pos             { return n.Pos }

func (n *Query) String() string            { return Format(n) }
func (n *Show) String() string             { return Format(n) }
func (n *Describe) String() string         { return Format(n) }
func (n *Explain) String() string          { return Format(n) }
func (n *Select) String() string           { return Format(n) }
func (n *SetOp) String() string            { return Format(n) }
func (n *Values) String() string           { return Format(n) }
func (n *TableQuery) String() string       { return Format(n) }
func (n *Table) String() string            { return Format(n) }
func (n *SubqueryRelation) String() string { return Format(n) }
func (n *Unnest) String() string           { return Format(n) }
func (n *ParenRelation) String() string    { return Format(n) }
func (n *Sample) String() string           { return Format(n) }
func (n *Join) String() string             { return Format(n) }
func (n *Ident) String() string            { return Format(n) }
func (n *Dereference) String() string      { return Format(n) }
func (n *Subscript) String() string        { return Format(n) }
func (n *Star) String() string             { return Format(n) }
func (n *StringLit) String() string        { return Format(n) }
func (n *NumberLit) String() string        { return Format(n) }
func (n *BinaryLit) String() string        { return Format(n) }
func (n *BoolLit) String() string          { return Format(n) }
func (n *NullLit) String() string          { return Format(n) }
func (n *TypedLit) String() string         { return Format(n) }
func (n *IntervalLit) String() string      { return Format(n) }
func (n *Param) String() string            { return Format(n) }
func (n *FuncCall) String() string         { return Format(n) }
func (n *Lambda) String() string           { return Format(n) }
func (n *Cast) String() string             { return Format(n) }
func (n *Case) String() string             { return Format(n) }
func (n *Unary) String() string            { return Format(n) }
func (n *Binary) String() string           { return Format(n) }
func (n *IsNull) String() string           { return Format(n) }
func (n *IsDistinct) String() string       { return Format(n) }
func (n *Between) String() string          { return Format(n) }
func (n *In) String() string               { return Format(n) }
func (n *Like) String() string             { return Format(n) }
func (n *Exists) String() string           { return Format(n) }
func (n *Subquery) String() string         { return Format(n) }
func (n *Quantified) String() string       { return Format(n) }
func (n *ArrayExpr) String() string        { return Format(n) }
func (n *RowExpr) String() string          { return Format(n) }
func (n *AtTimeZone) String() string       { return Format(n) }
func (n *Extract) String() string          { return Format(n) }
func (n *Special) String() string          { return Format(n) }
func (n *Position) String() string         { return Format(n) }
func (n *Trim) String() string             { return Format(n) }
func (n *GroupingSets) String() string     { return Format(n) }
func (n *With) String() string             { return Format(n) }
func (n *CTE) String() string              { return Format(n) }
func (n *Limit) String() string            { return Format(n) }
func (n *OrderItem) String() string        { return Format(n) }
func (n *SelectItem) String() string       { return Format(n) }
func (n *GroupBy) String() string          { return Format(n) }
func (n *WindowDef) String() string        { return Format(n) }
func (n *WindowSpec) String() string       { return Format(n) }
func (n *Frame) String() string            { return Format(n) }
func (n *FrameBound) String() string       { return Format(n) }
func (n *TableAlias) String() string       { return Format(n) }
func (n *Type) String() string             { return Format(n) }
func (n *TypeArg) String() string          { return Format(n) }
func (n *When) String() string             { return Format(n) }

func (*Query) stmtNode()                {}
func (*Show) stmtNode()                 {}
func (*Describe) stmtNode()             {}
func (*Explain) stmtNode()              {}
func (*Select) bodyNode()               {}
func (*SetOp) bodyNode()                {}
func (*Values) bodyNode()               {}
func (*TableQuery) bodyNode()           {}
func (*Query) bodyNode()                {}
func (*Table) relationNode()            {}
func (*SubqueryRelation) relationNode() {}
func (*Unnest) relationNode()           {}
func (*ParenRelation) relationNode()    {}
func (*Sample) relationNode()           {}
func (*Join) relationNode()             {}
func (*Ident) exprNode()                {}
func (*Dereference) exprNode()          {}
func (*Subscript) exprNode()            {}
func (*Star) exprNode()                 {}
func (*StringLit) exprNode()            {}
func (*NumberLit) exprNode()            {}
func (*BinaryLit) exprNode()            {}
func (*BoolLit) exprNode()              {}
func (*NullLit) exprNode()              {}
func (*TypedLit) exprNode()             {}
func (*IntervalLit) exprNode()          {}
func (*Param) exprNode()                {}
func (*FuncCall) exprNode()             {}
func (*Lambda) exprNode()               {}
func (*Cast) exprNode()                 {}
func (*Case) exprNode()                 {}
func (*Unary) exprNode()                {}
func (*Binary) exprNode()               {}
func (*IsNull) exprNode()               {}
func (*IsDistinct) exprNode()           {}
func (*Between) exprNode()              {}
func (*In) exprNode()                   {}
func (*Like) exprNode()                 {}
func (*Exists) exprNode()               {}
func (*Subquery) exprNode()             {}
func (*Quantified) exprNode()           {}
func (*ArrayExpr) exprNode()            {}
func (*RowExpr) exprNode()              {}
func (*AtTimeZone) exprNode()           {}
func (*Extract) exprNode()              {}
func (*Special) exprNode()              {}
func (*Position) exprNode()             {}
func (*Trim) exprNode()                 {}
func (*GroupingSets) exprNode()         {}
