package luabind

import (
	"errors"
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// This file binds the link functions of the README's "Wiring a lab": netns.veth and the
// ns:link_* methods. wiring_addr.go has addresses, routes, sysctl and
// netem; wiring_ping.go has ping and pingall.

func init() { Register(openWiring) }

func openWiring(b *Binding, L *lua.LState, mod, methods *lua.LTable) {
	mod.RawSetString("veth", b.newFunction(L, "veth", (*Binding).luaVeth))
	mod.RawSetString("ping", b.newFunction(L, "ping", (*Binding).luaPing))
	mod.RawSetString("pingall", b.newFunction(L, "pingall", (*Binding).luaPingAll))
	for name, f := range map[string]lfunc{
		"link_add": (*Binding).luaLinkAdd, "link_set": (*Binding).luaLinkSet,
		"link_del": (*Binding).luaLinkDel, "links": (*Binding).luaLinks,
		"addr_add": (*Binding).luaAddrAdd, "addr_del": (*Binding).luaAddrDel,
		"addrs": (*Binding).luaAddrs, "route_add": (*Binding).luaRouteAdd,
		"route_del": (*Binding).luaRouteDel, "routes": (*Binding).luaRoutes,
		"sysctl": (*Binding).luaSysctl, "netem": (*Binding).luaNetem,
	} {
		methods.RawSetString(name, b.newFunction(L, name, f))
	}
}

// raiseWiring raises the structured error of a failed wiring operation:
// code is the errno name and msg core's explanation ("link type dummy not
// supported by this kernel", `Cannot find device "eth9"`), falling back to
// raiseError's glibc text and privilege hint.
func raiseWiring(L *lua.LState, op, name string, err error) {
	var oe *core.OpError
	code := errorCode(err)
	if errors.As(err, &oe) && oe.Text != "" && oe.Text != core.Strerror(err) {
		raise(L, op, name, code, oe.Text)
	}
	raiseError(L, op, name, err)
}

// checkTable returns argument n, which must be a table whose keys are all
// in allowed.
func checkTable(L *lua.LState, n int, allowed ...string) *lua.LTable {
	if _, ok := L.Get(n).(*lua.LTable); !ok {
		typeError(L, n, "table")
	}
	return checkOptions(L, n, allowed...)
}

// optString reads a string option ("" when absent).
func optString(L *lua.LState, n int, opts *lua.LTable, key string) string {
	switch v := optField(opts, key).(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		return string(v)
	default:
		argError(L, n, fmt.Sprintf("option %q: string expected, got %s", key, v.Type()))
		return ""
	}
}

// optInt reads an integral option in [min, max] (0 when absent).
func optInt(L *lua.LState, n int, opts *lua.LTable, key string, min, max int64) int {
	v := optField(opts, key)
	if v == lua.LNil {
		return 0
	}
	num, ok := v.(lua.LNumber)
	f := float64(num)
	if !ok || f != math.Trunc(f) || f < float64(min) || f > float64(max) {
		argError(L, n, fmt.Sprintf("option %q: integer in [%d, %d] expected, got %s", key, min, max, describe(v)))
	}
	return int(f)
}

// optBoolPtr reads a tri-state boolean option (nil when absent).
func optBoolPtr(L *lua.LState, n int, opts *lua.LTable, key string) *bool {
	if optField(opts, key) == lua.LNil {
		return nil
	}
	v := optBool(L, n, opts, key)
	return &v
}

// valueNamespace resolves a Namespace or a name found inside a table
// (option key at argument n) like checkNamespace does for arguments.
func valueNamespace(L *lua.LState, n int, key string, v lua.LValue) *core.Namespace {
	if _, ok := v.(lua.LString); !ok && toNamespace(v) == nil {
		argError(L, n, fmt.Sprintf("option %q: Namespace or name expected, got %s", key, v.Type()))
	}
	L.Push(v)
	ns := checkNamespace(L, L.GetTop())
	L.Pop(1)
	return ns
}

var linkAddKeys = []string{"name", "type", "mtu", "address", "up", "master", "alias",
	"peer", "parent", "link", "id", "vni", "mode", "group", "remote", "local", "port", "dstport"}

// luaLinkAdd is ns:link_add{name=, type=, ...} -> link. link= and
// dstport= are ip's words for parent= and port= (ip link add link eth0
// ... type vlan; type vxlan ... dstport 4789).
func (b *Binding) luaLinkAdd(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	t := checkTable(L, 2, linkAddKeys...)
	noMoreArgs(L, 3)
	spec := core.LinkSpec{
		Name: optString(L, 2, t, "name"), Type: optString(L, 2, t, "type"),
		MTU: optInt(L, 2, t, "mtu", 0, math.MaxInt32), Address: optString(L, 2, t, "address"),
		Up: optBool(L, 2, t, "up"), Master: optString(L, 2, t, "master"), Alias: optString(L, 2, t, "alias"),
		Parent: optString(L, 2, t, "parent"), Mode: optString(L, 2, t, "mode"),
		Group: optString(L, 2, t, "group"), Remote: optString(L, 2, t, "remote"), Local: optString(L, 2, t, "local"),
		Port: optInt(L, 2, t, "port", 0, 65535),
	}
	if v := optString(L, 2, t, "link"); v != "" {
		if spec.Parent != "" {
			argError(L, 2, "options \"parent\" and \"link\" name the same thing: give one")
		}
		spec.Parent = v
	}
	if v := optInt(L, 2, t, "dstport", 0, 65535); v != 0 {
		if spec.Port != 0 {
			argError(L, 2, "options \"port\" and \"dstport\" name the same thing: give one")
		}
		spec.Port = v
	}
	if spec.Name == "" || spec.Type == "" {
		argError(L, 2, "fields \"name\" and \"type\" are required")
	}
	id := optInt(L, 2, t, "id", 0, 1<<24-1)
	spec.VNI = optInt(L, 2, t, "vni", 0, 1<<24-1)
	switch {
	case spec.Type == "vlan":
		spec.VlanID = id
	case spec.Type == "vxlan" && spec.VNI == 0:
		spec.VNI = id
	case id != 0:
		argError(L, 2, fmt.Sprintf("option \"id\" does not apply to link type %s", spec.Type))
	}
	switch p := optField(t, "peer").(type) {
	case *lua.LNilType:
	case lua.LString:
		spec.Peer = string(p)
	case *lua.LTable:
		pt := checkOptionsValue(L, 2, "peer", p, "name", "netns")
		spec.Peer = optString(L, 2, pt, "name")
		if v := pt.RawGetString("netns"); v != lua.LNil {
			spec.PeerNetns = valueNamespace(L, 2, "peer.netns", v)
		}
	default:
		argError(L, 2, "option \"peer\": string or {name=, netns=} expected, got "+p.Type().String())
	}
	l, err := ns.LinkAdd(spec)
	if err != nil {
		raiseWiring(L, "ns:link_add", ns.Name, err)
	}
	L.Push(linkTable(L, *l))
	return 1
}

// checkOptionsValue checks a nested options table (key at argument n).
func checkOptionsValue(L *lua.LState, n int, key string, t *lua.LTable, allowed ...string) *lua.LTable {
	var bad string
	t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); !ok || !contains(allowed, string(s)) {
			bad = lua.LVAsString(k)
		}
	})
	if bad != "" {
		argError(L, n, fmt.Sprintf("option %q: unknown key %q", key, bad))
	}
	return t
}

// luaVeth is netns.veth(a, "eth0", b, "eth0" [, {mtu=, up=}]).
func (b *Binding) luaVeth(L *lua.LState) int {
	a := checkNamespace(L, 1)
	aName := checkString(L, 2)
	bns := checkNamespace(L, 3)
	bName := checkString(L, 4)
	opts := checkOptions(L, 5, "mtu", "up")
	noMoreArgs(L, 6)
	o := core.VethOptions{MTU: optInt(L, 5, opts, "mtu", 0, math.MaxInt32), Up: optBool(L, 5, opts, "up")}
	if err := core.Veth(a, aName, bns, bName, o); err != nil {
		raiseWiring(L, "netns.veth", a.Name, err)
	}
	return 0
}

// luaLinkSet is ns:link_set(dev, {up=, mtu=, master=, address=, name=, alias=, netns=}).
func (b *Binding) luaLinkSet(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	dev := checkString(L, 2)
	t := checkTable(L, 3, "up", "mtu", "master", "address", "name", "alias", "netns")
	noMoreArgs(L, 4)
	ch := core.LinkChange{
		Up: optBoolPtr(L, 3, t, "up"), MTU: optInt(L, 3, t, "mtu", 0, math.MaxInt32),
		Address: optString(L, 3, t, "address"), Name: optString(L, 3, t, "name"),
	}
	for key, dst := range map[string]**string{"master": &ch.Master, "alias": &ch.Alias} {
		if optField(t, key) != lua.LNil {
			s := optString(L, 3, t, key)
			*dst = &s
		}
	}
	if v := optField(t, "netns"); v != lua.LNil {
		ch.Netns = valueNamespace(L, 3, "netns", v)
	}
	if err := ns.LinkSet(dev, ch); err != nil {
		raiseWiring(L, "ns:link_set", ns.Name, err)
	}
	return 0
}

// luaLinkDel is ns:link_del(dev).
func (b *Binding) luaLinkDel(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	dev := checkString(L, 2)
	noMoreArgs(L, 3)
	if err := ns.LinkDel(dev); err != nil {
		raiseWiring(L, "ns:link_del", ns.Name, err)
	}
	return 0
}

// luaLinks is ns:links() -> { {name=, index=, type=, up=, mtu=, address=, master=}, ... }.
func (b *Binding) luaLinks(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	noMoreArgs(L, 2)
	links, err := ns.Links()
	if err != nil {
		raiseWiring(L, "ns:links", ns.Name, err)
	}
	t := L.CreateTable(len(links), 0)
	for _, l := range links {
		t.Append(linkTable(L, l))
	}
	L.Push(t)
	return 1
}

// linkTable converts a link; address and master are nil when empty.
func linkTable(L *lua.LState, l core.Link) *lua.LTable {
	t := L.CreateTable(0, 7)
	t.RawSetString("name", lua.LString(l.Name))
	t.RawSetString("index", lua.LNumber(l.Index))
	t.RawSetString("type", lua.LString(l.Type))
	t.RawSetString("up", lua.LBool(l.Up))
	t.RawSetString("mtu", lua.LNumber(l.MTU))
	if l.Address != "" {
		t.RawSetString("address", lua.LString(l.Address))
	}
	if l.Master != "" {
		t.RawSetString("master", lua.LString(l.Master))
	}
	return t
}
