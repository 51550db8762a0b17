package sema

import (
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/types"
)

// declarePattern binds a `declare pattern` statement: a call of the name expands the query of the case whose
// arguments equal the call's (constant) arguments.
func (c *checker) declarePattern(sc *scope, s *syntax.DeclarePatternStmt) {
	if s.Def == nil {
		c.errorf(s.Span(), "The pattern '%s' is declared without a definition; kqlhunt has no way to look it up", s.Name.Name)
		return
	}
	if s.Def.PathParam != nil {
		c.errorf(s.Def.PathParam.Span(), "Patterns with a path parameter (P(...).[path]) are not supported yet")
		return
	}
	for _, cs := range s.Def.Cases {
		if len(cs.Args) != len(s.Def.Params) {
			c.errorf(cs.Span(), "The pattern '%s' takes %d argument%s, but this definition gives %d", s.Name.Name, len(s.Def.Params), plural(len(s.Def.Params)), len(cs.Args))
			return
		}
		if cs.Path != nil {
			c.errorf(cs.Path.Span(), "The pattern '%s' has no path parameter", s.Name.Name)
			return
		}
	}
	sc.names[s.Name.Name] = &binding{kind: bindFunction, fn: &syntax.FuncLit{Base: s.Base, Params: s.Def.Params}, fnEnv: sc, pattern: s.Def}
}

// patternCall expands the case of a declared pattern that the call's arguments select.
func (c *checker) patternCall(e env, call *syntax.CallExpr, name string, b *binding) (Node, Expr) {
	def := b.pattern
	if len(call.Args) != len(def.Params) {
		c.errorf(callSpan(call), "The pattern '%s' expects %d argument%s.", name, len(def.Params), plural(len(def.Params)))
		return nil, nil
	}
	args := make([]*Const, len(call.Args))
	for i, a := range call.Args {
		if args[i] = c.patternArg(env{sc: e.sc}, a, def.Params[i]); args[i] == nil {
			return nil, nil
		}
	}
	for _, cs := range def.Cases {
		match := true
		for i, a := range cs.Args {
			v := c.patternArg(env{sc: b.fnEnv}, a, def.Params[i])
			if v == nil {
				return nil, nil
			}
			if !sameConst(v.Val, args[i].Val) {
				match = false
			}
		}
		if match {
			fn := &binding{kind: bindFunction, fn: &syntax.FuncLit{Base: cs.Body.Base, Params: def.Params, Body: cs.Body.Body}, fnEnv: b.fnEnv}
			return c.callFunction(e, call, name, fn)
		}
	}
	c.errorf(callSpan(call), "The pattern '%s' has no definition for these arguments", name)
	return nil, nil
}

// patternArg binds a pattern argument, which must be a constant of the parameter's type.
func (c *checker) patternArg(e env, a syntax.Expr, p *syntax.Param) *Const {
	x := c.scalar(e, a)
	if x == nil {
		return nil
	}
	if p.Type != nil && !p.Type.Tabular && x.Type() != p.Type.Type {
		x = c.convert(x, p.Type.Type)
	}
	k, ok := x.(*Const)
	if !ok {
		c.errorf(a.Span(), "A pattern's arguments must be constants")
		return nil
	}
	return k
}

// sameConst tells whether two constants of a pattern are the same value (dynamic ones by their JSON).
func sameConst(a, b types.Value) bool {
	if a.Type != b.Type || a.Null != b.Null {
		return false
	}
	if a.Type == types.Dynamic {
		return types.FormatJSON(a.D) == types.FormatJSON(b.D)
	}
	return a.I == b.I && a.F == b.F && a.S == b.S
}
