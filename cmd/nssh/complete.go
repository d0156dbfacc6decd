package main

import (
	"sort"
	"strings"
	"sync/atomic"
)

// completer is readline's Tab handler. It runs on readline's goroutine, so
// it never touches the LState: it reads a vocabulary snapshot that the
// owner goroutine refreshes after every evaluation, and the live namespace
// names from the run dir.
//
// What it completes, from the text before the cursor:
//   - inside an open string literal: namespace names (netns.get("bl<Tab>);
//   - after "NAME:": the methods of the global NAME's value, by its type
//     (ns:ex<Tab>, lab:u<Tab>, s:up<Tab> for a string); for a NAME the
//     snapshot does not know (a local), the methods of any nssh object;
//   - after "NAME.": the fields of NAME's value: a table's keys
//     (netns.ad<Tab>), an object's fields (ns.<Tab> gives name);
//   - otherwise global names and Lua keywords.
type completer struct {
	names func() ([]string, error) // namespace names, e.g. core.Config.Names
	vocab atomic.Pointer[vocabulary]
}

// vocabulary is what the completer knows about the Lua state.
type vocabulary struct {
	globals    []string           // names in _G, plus keywords
	members    map[string]members // global name -> the members of its value
	anyMethods []string           // methods of nssh objects, for "x:" with x unknown
}

// members are what "x." (fields) and "x:" (methods) offer for a value.
type members struct {
	fields, methods []string
}

// Do implements readline.AutoCompleter: it returns the candidates'
// remaining suffixes and the length of the prefix they complete.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	if pos > len(line) {
		pos = len(line)
	}
	before := string(line[:pos])
	if prefix, ok := openString(before); ok {
		names, err := c.names()
		if err != nil {
			return nil, 0
		}
		return suffixes(names, prefix)
	}
	v := c.vocab.Load()
	if v == nil {
		v = &vocabulary{}
	}
	expr := trailingExpr(before)
	if i := strings.LastIndexAny(expr, ".:"); i >= 0 {
		m, known := v.members[expr[:i]]
		switch {
		case expr[i] == '.':
			return suffixes(m.fields, expr[i+1:])
		case known:
			return suffixes(m.methods, expr[i+1:])
		default: // a local, or deeper than a global: any object's methods
			return suffixes(v.anyMethods, expr[i+1:])
		}
	}
	return suffixes(v.globals, expr)
}

// suffixes returns, for every candidate starting with prefix, the part
// after the prefix.
func suffixes(cands []string, prefix string) ([][]rune, int) {
	var out [][]rune
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && !seen[c] {
			seen[c] = true
			out = append(out, []rune(c[len(prefix):]))
		}
	}
	return out, len([]rune(prefix))
}

// trailingExpr is the run of name characters, dots and colons that ends
// the text ("x = netns.ad" -> "netns.ad").
func trailingExpr(s string) string {
	i := len(s)
	for i > 0 {
		c := s[i-1]
		if c == '_' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			i--
			continue
		}
		break
	}
	return s[i:]
}

// openString reports whether s ends inside a short string literal, and
// the part of the literal typed so far. Comments and escapes are honoured;
// long strings ([[...]]) are not completed.
func openString(s string) (string, bool) {
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote, start = c, i+1
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			return "", false
		}
	}
	if quote == 0 {
		return "", false
	}
	return s[start:], true
}

// sortedUnique sorts names and drops duplicates.
func sortedUnique(names []string) []string {
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}
