package luabind

import (
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// luaAddrAdd is ns:addr_add(dev, "10.0.0.1/24").
func (b *Binding) luaAddrAdd(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	dev, cidr := checkString(L, 2), checkString(L, 3)
	noMoreArgs(L, 4)
	if err := ns.AddrAdd(dev, cidr); err != nil {
		raiseWiring(L, "ns:addr_add", ns.Name, err)
	}
	return 0
}

// luaAddrDel is ns:addr_del(dev, "10.0.0.1/24").
func (b *Binding) luaAddrDel(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	dev, cidr := checkString(L, 2), checkString(L, 3)
	noMoreArgs(L, 4)
	if err := ns.AddrDel(dev, cidr); err != nil {
		raiseWiring(L, "ns:addr_del", ns.Name, err)
	}
	return 0
}

// luaAddrs is ns:addrs([dev]) -> { {dev=, addr=, family=}, ... }.
func (b *Binding) luaAddrs(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	dev := ""
	if L.Get(2) != lua.LNil {
		dev = checkString(L, 2)
	}
	noMoreArgs(L, 3)
	addrs, err := ns.Addrs(dev)
	if err != nil {
		raiseWiring(L, "ns:addrs", ns.Name, err)
	}
	t := L.CreateTable(len(addrs), 0)
	for _, a := range addrs {
		e := L.CreateTable(0, 3)
		e.RawSetString("dev", lua.LString(a.Dev))
		e.RawSetString("addr", lua.LString(a.Addr))
		e.RawSetString("family", lua.LString(a.Family))
		t.Append(e)
	}
	L.Push(t)
	return 1
}

// checkRoute reads a route table {dst=, via=, dev=, metric=, table=}.
func checkRoute(L *lua.LState, n int) core.Route {
	t := checkTable(L, n, "dst", "via", "dev", "metric", "table")
	r := core.Route{
		Dst: optString(L, n, t, "dst"), Via: optString(L, n, t, "via"), Dev: optString(L, n, t, "dev"),
		Metric: optInt(L, n, t, "metric", 0, math.MaxUint32), Table: optInt(L, n, t, "table", 0, math.MaxUint32),
	}
	if r.Dst == "" {
		argError(L, n, "field \"dst\" is required (\"default\" or a prefix)")
	}
	return r
}

// luaRouteAdd is ns:route_add{dst=, via=, dev=, metric=, table=}.
func (b *Binding) luaRouteAdd(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	r := checkRoute(L, 2)
	noMoreArgs(L, 3)
	if err := ns.RouteAdd(r); err != nil {
		raiseWiring(L, "ns:route_add", ns.Name, err)
	}
	return 0
}

// luaRouteDel is ns:route_del{dst=, ...}.
func (b *Binding) luaRouteDel(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	r := checkRoute(L, 2)
	noMoreArgs(L, 3)
	if err := ns.RouteDel(r); err != nil {
		raiseWiring(L, "ns:route_del", ns.Name, err)
	}
	return 0
}

// luaRoutes is ns:routes() -> { {dst=, via=, dev=, metric=, table=,
// proto=, scope=, nexthops=}, ... }.
func (b *Binding) luaRoutes(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	noMoreArgs(L, 2)
	routes, err := ns.Routes()
	if err != nil {
		raiseWiring(L, "ns:routes", ns.Name, err)
	}
	t := L.CreateTable(len(routes), 0)
	for _, r := range routes {
		e := L.CreateTable(0, 8)
		e.RawSetString("dst", lua.LString(r.Dst))
		e.RawSetString("proto", lua.LString(r.Proto))
		e.RawSetString("scope", lua.LString(r.Scope))
		if len(r.Nexthops) > 0 {
			nhs := L.CreateTable(len(r.Nexthops), 0)
			for _, nh := range r.Nexthops {
				n := L.CreateTable(0, 3)
				if nh.Via != "" {
					n.RawSetString("via", lua.LString(nh.Via))
				}
				n.RawSetString("dev", lua.LString(nh.Dev))
				n.RawSetString("weight", lua.LNumber(nh.Weight))
				nhs.Append(n)
			}
			e.RawSetString("nexthops", nhs)
		}
		if r.Via != "" {
			e.RawSetString("via", lua.LString(r.Via))
		}
		if r.Dev != "" {
			e.RawSetString("dev", lua.LString(r.Dev))
		}
		e.RawSetString("metric", lua.LNumber(r.Metric))
		e.RawSetString("table", lua.LNumber(r.Table))
		t.Append(e)
	}
	L.Push(t)
	return 1
}

// luaSysctl is ns:sysctl(key [, value]) -> value string.
func (b *Binding) luaSysctl(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	key := checkString(L, 2)
	var value *string
	switch v := L.Get(3).(type) {
	case *lua.LNilType:
	case lua.LString:
		s := string(v)
		value = &s
	case lua.LNumber:
		s := strconv.FormatFloat(float64(v), 'f', -1, 64)
		value = &s
	default:
		typeError(L, 3, "string or number")
	}
	noMoreArgs(L, 4)
	got, err := ns.Sysctl(key, value)
	if err != nil {
		raiseWiring(L, "ns:sysctl", ns.Name, err)
	}
	L.Push(lua.LString(got))
	return 1
}

// luaNetem is ns:netem(dev, {delay=, jitter=, loss=, rate=}) or
// ns:netem(dev, nil) to clear. The second argument must be given. It
// shapes as a lab link's shape= does: a rate alone falls back to tbf on a
// kernel without sch_netem, and nil removes either qdisc.
func (b *Binding) luaNetem(L *lua.LState) int {
	ns := checkNamespace(L, 1)
	dev := checkString(L, 2)
	if L.GetTop() < 3 {
		typeError(L, 3, "table or nil")
	}
	var n *core.Netem
	if L.Get(3) != lua.LNil {
		t := checkTable(L, 3, "delay", "jitter", "loss", "rate")
		n = &core.Netem{Rate: optString(L, 3, t, "rate")}
		switch v := optField(t, "loss").(type) {
		case *lua.LNilType:
		case lua.LNumber:
			n.Loss = float64(v)
		default:
			argError(L, 3, fmt.Sprintf("option \"loss\": percentage expected, got %s", v.Type()))
		}
		if v := optField(t, "delay"); v != lua.LNil {
			n.Delay = optionDuration(L, 3, "delay", v)
		}
		if v := optField(t, "jitter"); v != lua.LNil {
			n.Jitter = optionDuration(L, 3, "jitter", v)
		}
	}
	if err := ns.Shape(dev, n); err != nil {
		raiseWiring(L, "ns:netem", ns.Name, err)
	}
	return 0
}
