package luabind

import (
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/lab"
)

// labSpecError is a mistake in a netns.lab{} description; it becomes an
// argument error of netns.lab.
type labSpecError string

func (e labSpecError) Error() string { return string(e) }

func specErrorf(format string, args ...any) error { return labSpecError(fmt.Sprintf(format, args...)) }

// parseLabSpec converts the table given to netns.lab into a lab.Spec.
func parseLabSpec(L *lua.LState, t *lua.LTable) (lab.Spec, error) {
	var s lab.Spec
	if err := onlyKeys(t, "lab", "name", "nodes", "links", "routes", "temp", "adopt", "ipv6"); err != nil {
		return s, err
	}
	name, ok := t.RawGetString("name").(lua.LString)
	if !ok {
		return s, specErrorf("name: string expected, got %s", t.RawGetString("name").Type())
	}
	s.Name = string(name)
	var err error
	for _, f := range []struct {
		key string
		dst *bool
	}{{"temp", &s.Temp}, {"adopt", &s.Adopt}, {"ipv6", &s.IPv6}} {
		if *f.dst, err = specBool(t, f.key, f.key); err != nil {
			return s, err
		}
	}
	if s.Nodes, err = parseNodes(L, t.RawGetString("nodes")); err != nil {
		return s, err
	}
	if s.Links, err = parseLinks(t.RawGetString("links")); err != nil {
		return s, err
	}
	s.Routes, err = parseRoutes(t.RawGetString("routes"))
	return s, err
}

// onlyKeys rejects string keys outside allowed (and any non-string key).
// specBool reads an optional boolean field (nil is false); what names it in
// the error.
func specBool(t *lua.LTable, key, what string) (bool, error) {
	switch v := t.RawGetString(key).(type) {
	case *lua.LNilType:
		return false, nil
	case lua.LBool:
		return bool(v), nil
	default:
		return false, specErrorf("%s: boolean expected, got %s", what, v.Type())
	}
}

func onlyKeys(t *lua.LTable, what string, allowed ...string) error {
	var bad []string
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); !ok || !contains(allowed, string(ks)) {
			bad = append(bad, lua.LVAsString(k))
		}
	})
	if len(bad) > 0 {
		sort.Strings(bad)
		return specErrorf("%s: unknown key %q (allowed: %s)", what, bad[0], strings.Join(allowed, ", "))
	}
	return nil
}

// array returns the elements of an array table, rejecting other keys.
func array(v lua.LValue, what string) ([]lua.LValue, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, specErrorf("%s: table expected, got %s", what, v.Type())
	}
	n := t.Len()
	count := 0
	t.ForEach(func(lua.LValue, lua.LValue) { count++ })
	if count != n {
		return nil, specErrorf("%s: array expected (keys 1..n)", what)
	}
	out := make([]lua.LValue, n)
	for i := range out {
		out[i] = t.RawGetInt(i + 1)
	}
	return out, nil
}

func parseNodes(L *lua.LState, v lua.LValue) (map[string]lab.Node, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, specErrorf("nodes: table expected, got %s", v.Type())
	}
	nodes := map[string]lab.Node{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		name, ok := k.(lua.LString)
		if !ok {
			err = specErrorf("nodes: keys must be node names (strings), got %s", k.Type())
			return
		}
		nodes[string(name)], err = parseNode(L, string(name), v)
	})
	return nodes, err
}

func parseNode(L *lua.LState, name string, v lua.LValue) (lab.Node, error) {
	var n lab.Node
	t, ok := v.(*lua.LTable)
	if !ok {
		return n, specErrorf("nodes.%s: table expected, got %s", name, v.Type())
	}
	if err := onlyKeys(t, "nodes."+name, "sysctl", "bridge", "addrs", "files", "services", "ipv6"); err != nil {
		return n, err
	}
	ipv6, err := specBool(t, "ipv6", "nodes."+name+".ipv6")
	if err != nil {
		return n, err
	}
	n.IPv6 = ipv6
	if err := parseNodeParts(L, name, t, &n); err != nil {
		return n, err
	}
	switch b := t.RawGetString("bridge").(type) {
	case *lua.LNilType:
	case lua.LString:
		n.Bridge = string(b)
	default:
		return n, specErrorf("nodes.%s.bridge: string expected, got %s", name, b.Type())
	}
	sys := t.RawGetString("sysctl")
	if sys == lua.LNil {
		return n, nil
	}
	st, ok := sys.(*lua.LTable)
	if !ok {
		return n, specErrorf("nodes.%s.sysctl: table expected, got %s", name, sys.Type())
	}
	n.Sysctl = map[string]string{}
	st.ForEach(func(k, v lua.LValue) {
		key, ok := k.(lua.LString)
		if !ok {
			err = specErrorf("nodes.%s.sysctl: keys must be strings", name)
			return
		}
		switch v := v.(type) {
		case lua.LString:
			n.Sysctl[string(key)] = string(v)
		case lua.LNumber:
			n.Sysctl[string(key)] = lua.LVAsString(v)
		case lua.LBool:
			n.Sysctl[string(key)] = map[bool]string{true: "1", false: "0"}[bool(v)]
		default:
			err = specErrorf("nodes.%s.sysctl[%q]: string or number expected, got %s", name, key, v.Type())
		}
	})
	return n, err
}

func parseLinks(v lua.LValue) ([]lab.Link, error) {
	if v == lua.LNil {
		return nil, nil
	}
	items, err := array(v, "links")
	if err != nil {
		return nil, err
	}
	links := make([]lab.Link, len(items))
	for i, item := range items {
		if links[i], err = parseLink(item, fmt.Sprintf("links[%d]", i+1)); err != nil {
			return nil, err
		}
	}
	return links, nil
}

func parseLink(v lua.LValue, what string) (lab.Link, error) {
	var l lab.Link
	t, ok := v.(*lua.LTable)
	if !ok {
		return l, specErrorf("%s: table expected, got %s", what, v.Type())
	}
	var err error
	t.ForEach(func(k, _ lua.LValue) {
		switch k {
		case lua.LNumber(1), lua.LNumber(2), lua.LString("addrs"), lua.LString("netem"), lua.LString("shape"):
		default:
			err = specErrorf("%s: unknown key %q (allowed: 1, 2, addrs, netem, shape)", what, lua.LVAsString(k))
		}
	})
	if err != nil {
		return l, err
	}
	for i := range 2 {
		s, ok := t.RawGetInt(i + 1).(lua.LString)
		if !ok {
			return l, specErrorf("%s[%d]: \"node:dev\" string expected, got %s", what, i+1, t.RawGetInt(i+1).Type())
		}
		if l.Ends[i], err = lab.ParseEnd(string(s)); err != nil {
			return l, specErrorf("%s[%d]: %v", what, i+1, err)
		}
	}
	if l.Addrs, err = parseEndAddrs(t.RawGetString("addrs"), what+".addrs"); err != nil {
		return l, err
	}
	if l.Netem, err = parseEndNetem(t.RawGetString("netem"), what+".netem"); err != nil {
		return l, err
	}
	switch sh := t.RawGetString("shape").(type) {
	case *lua.LNilType:
	case *lua.LTable:
		l.Shape, err = parseNetem(sh, what+".shape")
	default:
		err = specErrorf("%s.shape: table {rate=, delay=, jitter=, loss=} expected, got %s", what, sh.Type())
	}
	return l, err
}

// parseEndAddrs reads addrs = { A, B }, where each of A and B is an
// address string, an array of them, or false for none.
func parseEndAddrs(v lua.LValue, what string) ([2][]netip.Prefix, error) {
	var out [2][]netip.Prefix
	if v == lua.LNil {
		return out, nil
	}
	t, ok := v.(*lua.LTable)
	if !ok || t.Len() > 2 {
		return out, specErrorf("%s: table of at most 2 entries expected", what)
	}
	for i := range 2 {
		var list []lua.LValue
		switch e := t.RawGetInt(i + 1).(type) {
		case *lua.LNilType:
		case lua.LBool:
			if e {
				return out, specErrorf("%s[%d]: address, array of addresses or false expected", what, i+1)
			}
		case lua.LString:
			list = []lua.LValue{e}
		default:
			var err error
			if list, err = array(e, fmt.Sprintf("%s[%d]", what, i+1)); err != nil {
				return out, err
			}
		}
		for _, a := range list {
			s, ok := a.(lua.LString)
			p, err := netip.ParsePrefix(string(s))
			if !ok || err != nil {
				return out, specErrorf("%s[%d]: %q is not an address with a prefix length (\"10.0.0.1/24\")", what, i+1, lua.LVAsString(a))
			}
			out[i] = append(out[i], p)
		}
	}
	return out, nil
}

// parseEndNetem reads netem = {delay=, ...} (both ends) or { {..}, {..} }
// (one per end, false for none).
func parseEndNetem(v lua.LValue, what string) ([2]*core.Netem, error) {
	var out [2]*core.Netem
	t, ok := v.(*lua.LTable)
	if v == lua.LNil {
		return out, nil
	}
	if !ok {
		return out, specErrorf("%s: table expected, got %s", what, v.Type())
	}
	if t.Len() == 0 {
		n, err := parseNetem(t, what)
		out[0], out[1] = n, n
		return out, err
	}
	for i := range 2 {
		switch e := t.RawGetInt(i + 1).(type) {
		case *lua.LNilType, lua.LBool:
			if e == lua.LTrue {
				return out, specErrorf("%s[%d]: table or false expected", what, i+1)
			}
		case *lua.LTable:
			var err error
			if out[i], err = parseNetem(e, fmt.Sprintf("%s[%d]", what, i+1)); err != nil {
				return out, err
			}
		default:
			return out, specErrorf("%s[%d]: table or false expected, got %s", what, i+1, e.Type())
		}
	}
	return out, nil
}

func parseNetem(t *lua.LTable, what string) (*core.Netem, error) {
	if err := onlyKeys(t, what, "delay", "jitter", "loss", "rate"); err != nil {
		return nil, err
	}
	n := &core.Netem{}
	for key, dst := range map[string]*time.Duration{"delay": &n.Delay, "jitter": &n.Jitter} {
		if v := t.RawGetString(key); v != lua.LNil {
			d, err := parseDuration(v)
			if err != nil {
				return nil, specErrorf("%s.%s: %v", what, key, err)
			}
			*dst = d
		}
	}
	switch v := t.RawGetString("loss").(type) {
	case *lua.LNilType:
	case lua.LNumber:
		n.Loss = float64(v)
		if math.IsNaN(n.Loss) {
			return nil, specErrorf("%s.loss: not a number", what)
		}
	default:
		return nil, specErrorf("%s.loss: percentage (number) expected, got %s", what, v.Type())
	}
	switch v := t.RawGetString("rate").(type) {
	case *lua.LNilType:
	case lua.LString:
		n.Rate = string(v)
	default:
		return nil, specErrorf("%s.rate: string like \"10mbit\" expected, got %s", what, v.Type())
	}
	return n, nil
}

func parseRoutes(v lua.LValue) (map[string][]lab.Route, error) {
	if v == lua.LNil {
		return nil, nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, specErrorf("routes: table expected, got %s", v.Type())
	}
	out := map[string][]lab.Route{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		node, ok := k.(lua.LString)
		if !ok {
			err = specErrorf("routes: keys must be node names (strings), got %s", k.Type())
			return
		}
		var items []lua.LValue
		if items, err = array(v, "routes."+string(node)); err != nil {
			return
		}
		for i, item := range items {
			var r lab.Route
			if r, err = parseRoute(item, fmt.Sprintf("routes.%s[%d]", node, i+1)); err != nil {
				return
			}
			out[string(node)] = append(out[string(node)], r)
		}
	})
	return out, err
}

func parseRoute(v lua.LValue, what string) (lab.Route, error) {
	var r lab.Route
	t, ok := v.(*lua.LTable)
	if !ok {
		return r, specErrorf("%s: table expected, got %s", what, v.Type())
	}
	if err := onlyKeys(t, what, "dst", "via", "dev", "metric"); err != nil {
		return r, err
	}
	str := func(key string) (string, error) {
		switch v := t.RawGetString(key).(type) {
		case *lua.LNilType:
			return "", nil
		case lua.LString:
			return string(v), nil
		default:
			return "", specErrorf("%s.%s: string expected, got %s", what, key, v.Type())
		}
	}
	dst, err := str("dst")
	if err != nil {
		return r, err
	}
	if dst != "" && dst != "default" {
		if r.Dst, err = netip.ParsePrefix(dst); err != nil {
			return r, specErrorf("%s.dst: %q is not \"default\" or a prefix", what, dst)
		}
	}
	via, err := str("via")
	if err != nil {
		return r, err
	}
	if via != "" {
		if r.Via, err = netip.ParseAddr(via); err != nil {
			return r, specErrorf("%s.via: %q is not an address", what, via)
		}
	}
	if r.Dev, err = str("dev"); err != nil {
		return r, err
	}
	switch m := t.RawGetString("metric").(type) {
	case *lua.LNilType:
	case lua.LNumber:
		if float64(m) != math.Trunc(float64(m)) || m < 0 || m > math.MaxUint32 {
			return r, specErrorf("%s.metric: integer 0..%d expected", what, uint32(math.MaxUint32))
		}
		r.Metric = int(m)
	default:
		return r, specErrorf("%s.metric: number expected, got %s", what, m.Type())
	}
	return r, nil
}
