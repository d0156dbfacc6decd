package luabind

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

var (
	helpMu      sync.Mutex
	helpPending []map[string]string // registered, not merged yet
	helpEntries = map[string]string{}
)

// RegisterHelp adds reference entries (name -> text) for Help; call it
// from init(). The first line of a text is its summary in the index.
// The entries are merged on the first Help call, not during init: every
// start of nssh, `nssh netns exec` included, would pay for it.
func RegisterHelp(entries map[string]string) {
	helpMu.Lock()
	defer helpMu.Unlock()
	helpPending = append(helpPending, entries)
}

// mergedHelp returns every entry, merging the registered ones first.
// helpMu must be held.
func mergedHelp() map[string]string {
	for _, m := range helpPending {
		for k, v := range m {
			helpEntries[k] = strings.TrimRight(v, "\n") + "\n"
		}
	}
	helpPending = nil
	return helpEntries
}

// Help returns the reference text of a function ("netns.add", "ns:exec",
// "netns.lab"...) or, for "", the whole reference index. ok is false for
// an unknown name. "add" is accepted for "netns.add"; a method without an
// entry of its own ("ns:exec") shows its function's ("netns.exec").
func Help(name string) (text string, ok bool) {
	helpMu.Lock()
	defer helpMu.Unlock()
	name = strings.TrimSpace(name)
	if name == "" {
		return helpIndex(), true
	}
	method := strings.TrimPrefix(strings.TrimPrefix(name, "ns:"), "ns.")
	entries := mergedHelp()
	for _, cand := range []string{name, "netns." + name, "ns:" + method, "netns." + method} {
		if t, ok := entries[cand]; ok {
			return t, true
		}
	}
	return "", false
}

// helpIndex lists every entry with its summary line.
func helpIndex() string {
	entries := mergedHelp()
	names := make([]string, 0, len(entries))
	width := 0
	for n := range entries {
		names = append(names, n)
		width = max(width, len(n))
	}
	sort.Slice(names, func(i, j int) bool {
		gi, gj := helpGroup(names[i]), helpGroup(names[j])
		if gi != gj {
			return gi < gj
		}
		return names[i] < names[j]
	})
	var sb strings.Builder
	sb.WriteString("nssh Lua reference (help(\"NAME\") or help(fn) for one entry)\n\n")
	for _, n := range names {
		summary, _, _ := strings.Cut(entries[n], "\n")
		fmt.Fprintf(&sb, "  %-*s  %s\n", width, n, summary)
	}
	return sb.String()
}

// helpGroup orders the index: module functions, methods, the rest.
func helpGroup(name string) int {
	switch {
	case strings.HasPrefix(name, "netns."):
		return 0
	case strings.HasPrefix(name, "ns:") || strings.HasPrefix(name, "ns."):
		return 1
	}
	return 2
}

// luaHelp: help([fn_or_name]) prints the reference entry of a function of
// the netns module or a Namespace method, or the index without argument.
func (b *Binding) luaHelp(L *lua.LState) int {
	var name string
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LString:
		name = string(v)
	case *lua.LFunction:
		name = b.nameOf(v)
		if name == "" {
			argError(L, 1, "no reference entry for this function")
		}
	default:
		typeError(L, 1, "function or string")
	}
	noMoreArgs(L, 2)
	text, ok := Help(name)
	if !ok {
		argError(L, 1, fmt.Sprintf("no reference entry for %q (help() lists them)", name))
	}
	out, _ := b.writers()
	fmt.Fprint(out, text)
	return 0
}

// nameOf finds fn in the module or the method table: "netns.add",
// "ns:exec", "help".
func (b *Binding) nameOf(fn *lua.LFunction) string {
	found := ""
	look := func(t *lua.LTable, prefix string) {
		if t == nil || found != "" {
			return
		}
		t.ForEach(func(k, v lua.LValue) {
			if v == fn && found == "" {
				found = prefix + lua.LVAsString(k)
			}
		})
	}
	look(b.mod, "netns.")
	look(b.methods, "ns:")
	if n := b.fnames[fn]; found == "" && (n == "help" || strings.Contains(n, ".") || strings.HasPrefix(n, "proc:")) {
		found = n // help, a function of another module ("json.encode"), a proc method
	}
	return found
}
