package luabind

import (
	"net/netip"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/lab"
)

// parseNodeParts reads the keys of a node that describe what runs on it
// and what it holds: addrs, files.
func parseNodeParts(name string, t *lua.LTable, n *lab.Node) error {
	var err error
	if n.Addrs, err = parseNodeAddrs(name, t.RawGetString("addrs")); err != nil {
		return err
	}
	n.Files, err = parseNodeFiles(name, t.RawGetString("files"))
	return err
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
