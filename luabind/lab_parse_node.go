package luabind

import (
	"fmt"
	"net/netip"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/pm"

	"github.com/nssh/nssh/lab"
)

// parseNodeParts reads the keys of a node that describe what runs on it
// and what it holds: addrs, files, services. L runs services' ready
// functions.
func parseNodeParts(L *lua.LState, name string, t *lua.LTable, n *lab.Node) error {
	var err error
	if n.Addrs, err = parseNodeAddrs(name, t.RawGetString("addrs")); err != nil {
		return err
	}
	if n.Files, err = parseNodeFiles(name, t.RawGetString("files")); err != nil {
		return err
	}
	n.Services, err = parseServices(L, name, t.RawGetString("services"))
	return err
}

// parseServices reads services = { NAME = { cmd = argv_or_string,
// ready = pattern_or_function, timeout = seconds } }.
func parseServices(L *lua.LState, node string, v lua.LValue) (map[string]lab.Service, error) {
	if v == lua.LNil {
		return nil, nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, specErrorf("nodes.%s.services: table { name = { cmd = ... } } expected, got %s", node, v.Type())
	}
	out := map[string]lab.Service{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		name, ok := k.(lua.LString)
		st, ok2 := v.(*lua.LTable)
		if !ok || !ok2 {
			err = specErrorf("nodes.%s.services: name (string) -> { cmd = ... } expected, got %s -> %s", node, k.Type(), v.Type())
			return
		}
		out[string(name)], err = parseService(L, fmt.Sprintf("nodes.%s.services.%s", node, name), st)
	})
	return out, err
}

func parseService(L *lua.LState, what string, t *lua.LTable) (lab.Service, error) {
	var s lab.Service
	if err := onlyKeys(t, what, "cmd", "ready", "timeout"); err != nil {
		return s, err
	}
	switch c := t.RawGetString("cmd").(type) {
	case lua.LString:
		s.Cmd = []string{"/bin/sh", "-c", string(c)}
	case *lua.LTable:
		items, err := array(c, what+".cmd")
		if err != nil {
			return s, err
		}
		for _, it := range items {
			a, ok := it.(lua.LString)
			if !ok || strings.IndexByte(string(a), 0) >= 0 {
				return s, specErrorf("%s.cmd: array of strings expected", what)
			}
			s.Cmd = append(s.Cmd, string(a))
		}
	default:
		return s, specErrorf("%s.cmd: argv table or shell string expected, got %s", what, c.Type())
	}
	switch r := t.RawGetString("ready").(type) {
	case *lua.LNilType:
	case lua.LString:
		pat := string(r)
		if _, err := pm.Find(pat, nil, 0, 1); err != nil {
			return s, specErrorf("%s.ready: bad pattern %q: %v", what, pat, err)
		}
		s.Ready.Pattern = pat
		s.Ready.Match = func(line string) bool {
			m, err := pm.Find(pat, []byte(line), 0, 1)
			return err == nil && len(m) > 0
		}
	case *lua.LFunction:
		s.Ready.Func = func(node string) (bool, error) {
			if err := L.CallByParam(lua.P{Fn: r, NRet: 1, Protect: true}, lua.LString(node)); err != nil {
				return false, fmt.Errorf("ready function: %w", err)
			}
			ok := lua.LVAsBool(L.Get(-1))
			L.Pop(1)
			return ok, nil
		}
	default:
		return s, specErrorf("%s.ready: pattern (string) or function(node) expected, got %s", what, r.Type())
	}
	if v := t.RawGetString("timeout"); v != lua.LNil {
		d, err := parseDuration(v)
		if err != nil || d <= 0 {
			return s, specErrorf("%s.timeout: positive duration expected", what)
		}
		s.Ready.Timeout = d
	}
	return s, nil
}

// parseNodeFiles reads files = { ["/etc/x.conf"] = "text", ["rel"] = "..." }.
func parseNodeFiles(node string, v lua.LValue) (map[string]string, error) {
	if v == lua.LNil {
		return nil, nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, specErrorf("nodes.%s.files: table { path = content } expected, got %s", node, v.Type())
	}
	out := map[string]string{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		path, ok1 := k.(lua.LString)
		text, ok2 := v.(lua.LString)
		if err == nil && (!ok1 || !ok2) {
			err = specErrorf("nodes.%s.files: path (string) -> content (string) expected, got %s -> %s", node, k.Type(), v.Type())
		}
		out[string(path)] = string(text)
	})
	return out, err
}

// parseNodeAddrs reads addrs = { lo = { "10.255.0.1/32" }, dum0 = "..." }:
// per device an address or an array of them.
func parseNodeAddrs(node string, v lua.LValue) (map[string][]netip.Prefix, error) {
	if v == lua.LNil {
		return nil, nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, specErrorf("nodes.%s.addrs: table { dev = addresses } expected, got %s", node, v.Type())
	}
	out := map[string][]netip.Prefix{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		dev, ok := k.(lua.LString)
		if !ok {
			err = specErrorf("nodes.%s.addrs: keys must be device names (\"lo\"), got %s", node, k.Type())
			return
		}
		what := "nodes." + node + ".addrs." + string(dev)
		list := []lua.LValue{v}
		if _, isStr := v.(lua.LString); !isStr {
			if list, err = array(v, what); err != nil {
				return
			}
		}
		for _, a := range list {
			s, ok := a.(lua.LString)
			p, perr := netip.ParsePrefix(string(s))
			if !ok || perr != nil {
				err = specErrorf("%s: %q is not an address with a prefix length (\"10.255.0.1/32\")", what, lua.LVAsString(a))
				return
			}
			out[string(dev)] = append(out[string(dev)], p)
		}
	})
	return out, err
}
