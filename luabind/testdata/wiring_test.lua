-- Tests of the wiring API (nssh.md §4.3): links, addresses, routes,
-- sysctl, netem, ping, pingall, and link/addr/route events. Kernel state is
-- read back through the API and checked with real traffic (ping).

-- Like helpers.lua's expect_argerror, but text is matched literally.
local function expect_argerror_text(pattern, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok and type(err) == "string", "expected an argument error, got " .. tostring(err))
  assert(err:find(pattern, 1, true), "error " .. err .. " does not contain " .. pattern)
end

local function find(list, key, value)
  for _, e in ipairs(list) do
    if e[key] == value then return e end
  end
end

local function router_lab()
  local h1, h2, r1 = netns.add("h1"), netns.add("h2"), netns.add("r1")
  netns.veth(h1, "eth0", r1, "eth1", { up = true })
  netns.veth("h2", "eth0", "r1", "eth2", { up = true, mtu = 1400 })
  h1:addr_add("eth0", "10.0.1.2/24")
  r1:addr_add("eth1", "10.0.1.1/24")
  h2:addr_add("eth0", "10.0.2.2/24")
  r1:addr_add("eth2", "10.0.2.1/24")
  h1:route_add { dst = "default", via = "10.0.1.1" }
  h2:route_add { dst = "default", via = "10.0.2.1" }
  return h1, h2, r1
end

function TestRouter(t)
  local h1, h2, r1 = router_lab()
  local l = find(r1:links(), "name", "eth2")
  assert(l and l.type == "veth" and l.up == true and l.mtu == 1400 and l.address and l.master == nil)
  assert(r1:links()[1].name == "lo" and r1:links()[1].index == 1)
  local a = find(r1:addrs("eth1"), "family", "inet")
  assert(a.dev == "eth1" and a.addr == "10.0.1.1/24")
  local d = find(h1:routes(), "dst", "default")
  assert(d and d.via == "10.0.1.1" and d.dev == "eth0" and d.table == 254 and d.metric == 0)
  assert(find(h1:routes(), "dst", "10.0.1.0/24").via == nil)

  assert(netns.ping(h1, "10.0.1.1").ok)
  local p = netns.ping(h1, "10.0.2.2", { timeout = "200ms" })
  assert(p.ok == false and p.rtt == nil, "no forwarding yet")
  assert(r1:sysctl("net.ipv4.ip_forward") == "0")
  assert(r1:sysctl("net.ipv4.ip_forward", 1) == "1")
  p = netns.ping(h1, "10.0.2.2", { timeout = 3, count = 2, size = 1000 })
  assert(p.ok and type(p.rtt) == "number" and p.rtt > 0)

  h1:route_del { dst = "default" }
  assert(find(h1:routes(), "dst", "default") == nil)
  assert(not netns.ping(h1, "10.0.2.2", { timeout = 0.2 }).ok)
  h1:addr_del("eth0", "10.0.1.2/24")
  assert(find(h1:addrs("eth0"), "addr", "10.0.1.2/24") == nil)
  netns.del_all()
end

function TestLinks(t)
  local sw, h = netns.add("sw"), netns.add("h")
  local br = sw:link_add { name = "br0", type = "bridge", up = true }
  assert(br.name == "br0" and br.type == "bridge" and br.up)
  sw:link_add { name = "a-very-long-port-name", type = "veth", peer = { name = "eth0", netns = h } }
  sw:link_set("a-very-long-port-name", { master = "br0", up = true, mtu = 1300, address = "02:00:00:00:00:0a" })
  local p = find(sw:links(), "name", "a-very-long-port-name")
  assert(p and p.master == "br0" and p.up and p.mtu == 1300 and p.address == "02:00:00:00:00:0a")
  sw:link_set("a-very-long-port-name", { master = "", name = "p1" })
  p = find(sw:links(), "name", "p1")
  assert(p and p.master == nil)
  sw:link_add { name = "mv0", type = "macvlan", parent = "p1", mode = "private" }
  assert(find(sw:links(), "name", "mv0").type == "macvlan")
  local ok, err = pcall(sw.link_add, sw, { name = "d0", type = "dummy" })
  if not ok then
    assert(err.code == "ENOTSUP" and err.msg == "link type dummy not supported by this kernel", tostring(err))
    assert(tostring(err) == "ns:link_add: sw: link type dummy not supported by this kernel")
  end
  sw:link_del("p1")
  assert(find(h:links(), "name", "eth0") == nil, "the peer went with it")
  expect_error("EEXIST", sw.link_add, sw, { name = "br0", type = "bridge" })
  expect_error("ENODEV", sw.link_del, sw, "nope")
  local e = expect_error("ENODEV", sw.link_set, sw, "nope", { up = true })
  assert(e.msg == 'Cannot find device "nope"' and e.op == "ns:link_set" and e.name == "sw")
  expect_error("EINVAL", sw.link_add, sw, { name = "x", type = "bond" })
  expect_error("EINVAL", sw.link_add, sw, { name = "x", type = "bridge", parent = "br0" })
  expect_argerror_text("unknown option", sw.link_add, sw, { name = "x", type = "bridge", colour = "red" })
  expect_argerror_text("table expected", sw.link_add, sw)
  expect_argerror_text('"name" and "type" are required', sw.link_add, sw, { type = "bridge" })
  expect_argerror_text("option \"mtu\"", sw.link_set, sw, "br0", { mtu = "big" })
  expect_argerror_text("string expected", netns.veth, sw, 1, h, "x")
  expect_error("ENOENT", netns.veth, sw, "x", "missing", "y")
  assert(#sw:links() == 2, "failed calls changed nothing (lo, br0; mv0 went with p1)")
  netns.del_all()
end

function TestAddrRouteErrors(t)
  local ns = netns.add("n")
  ns:link_set("lo", { up = true })
  local e = expect_error("EINVAL", ns.addr_add, ns, "lo", "10.0.0.1")
  assert(e.msg:find("invalid address", 1, true), e.msg)
  expect_error("EINVAL", ns.route_add, ns, { dst = "10.0.0.5/24", dev = "lo" })
  expect_error("EADDRNOTAVAIL", ns.addr_del, ns, "lo", "10.9.9.9/32")
  expect_argerror_text('"dst" is required', ns.route_add, ns, { via = "10.0.0.1" })
  ns:addr_add("lo", "fd00::1/128")
  assert(find(ns:addrs(), "addr", "fd00::1/128").family == "inet6")
  ns:route_add { dst = "10.50.0.0/16", dev = "lo", metric = 7, table = 100 }
  local r = find(ns:routes(), "dst", "10.50.0.0/16")
  assert(r and r.metric == 7 and r.table == 100 and r.dev == "lo")
  ns:route_del { dst = "10.50.0.0/16", table = 100 }
  assert(find(ns:routes(), "dst", "10.50.0.0/16") == nil)
  expect_error("EINVAL", ns.sysctl, ns, "kernel.hostname")
  expect_error("ENOENT", ns.sysctl, ns, "net.ipv4.nope")
  expect_argerror_text("table or nil expected", ns.netem, ns, "lo")
  expect_argerror_text("unknown option", ns.netem, ns, "lo", { latency = 1 })
  expect_error("EINVAL", ns.netem, ns, "lo", { loss = 101 })
  ns:netem("lo", nil)
  netns.del_all()
end

function TestPingAll(t)
  local sw = netns.add("sw")
  sw:link_add { name = "br0", type = "bridge", up = true }
  for i = 1, 3 do
    local h = netns.add("h" .. i)
    netns.veth(h, "eth0", sw, "p" .. i, { up = true })
    sw:link_set("p" .. i, { master = "br0" })
    h:addr_add("eth0", "10.3.0." .. i .. "/24")
  end
  local m = netns.pingall(nil, { timeout = 3 })
  assert(m.sw == nil, "namespaces without an address are left out")
  for i = 1, 3 do
    for j = 1, 3 do
      if i ~= j then
        local rtt = m["h" .. i]["h" .. j]
        assert(type(rtt) == "number" and rtt > 0, "h" .. i .. " -> h" .. j)
      end
    end
  end
  assert(tostring(m) == table.concat({
    "   h1 h2 h3",
    "h1    ok ok",
    "h2 ok    ok",
    "h3 ok ok",
    "6/6 reachable" }, "\n"), "grid:\n" .. tostring(m))
  sw:link_set("p3", { up = false })
  m = netns.pingall({ "h1", "h3", netns.get("sw") }, { timeout = 0.3 })
  assert(m.h1.h3 == false and m.h3.h1 == false and m.h1.sw == false and m.sw.h1 == false)
  m = netns.pingall({ timeout = 0.3 })
  assert(type(m.h1.h2) == "number", "an options table alone is the options")
  expect_error("ENOENT", netns.pingall, { "h1", "ghost" })
  expect_argerror_text("unknown option", netns.pingall, { "h1" }, { bogus = 1 })
  netns.del_all()
end

function TestEvents(t)
  local a = netns.add("a")
  local seen = {}
  local function have(pred)
    for _, ev in ipairs(seen) do if pred(ev) then return ev end end
  end
  local function want_addr(ev) return ev.event == "addr" and ev.addr == "10.9.0.1/24" end
  local function want_route(ev) return ev.event == "route" and ev.dst == "10.9.0.0/24" end
  local function record(ev)
    seen[#seen + 1] = ev
    if have(want_addr) and have(want_route) then netns.stop() end
  end
  netns.on("link", record, { ns = "a" })
  netns.on("addr", record)
  netns.on("route", record, { ns = "b" })
  local b = netns.add("b") -- appears after the handlers: subscribed as it appears
  netns.veth(a, "eth0", b, "eth0", { up = true })
  b:addr_add("eth0", "10.9.0.2/24")
  a:addr_add("eth0", "10.9.0.1/24")
  assert(netns.wait(LIVENESS), "stopped once both events came")
  local link = have(function(ev) return ev.event == "link" and ev.name == "eth0" end)
  assert(link and link.action == "new" and link.ns == "a" and type(link.index) == "number" and type(link.up) == "boolean")
  assert(not have(function(ev) return ev.event == "link" and ev.ns ~= "a" end), "link filter")
  assert(not have(function(ev) return ev.event == "route" and ev.ns ~= "b" end), "route filter")
  local addr = have(want_addr)
  assert(addr.action == "new" and addr.ns == "a" and addr.dev == "eth0")
  local route = have(want_route)
  assert(route.action == "new" and route.ns == "b" and route.dev == "eth0" and route.via == nil)
  assert(route.proto == "kernel" and route.scope == "link", route.proto .. " " .. route.scope)
  local t0 = seen[1].time
  for i, ev in ipairs(seen) do
    assert(type(ev.time) == "number" and ev.time >= 0 and ev.time <= os.clock() + LIVENESS, "time of event " .. i)
    assert(ev.time >= t0, "event times go forward")
    t0 = ev.time
  end
  netns.del_all()
end

-- Multipath routes carry nexthops, in ns:routes() and in route events;
-- proto tells who made a route.
function TestMultipathRoutes(t)
  local a, b, c = netns.add("a"), netns.add("b"), netns.add("c")
  netns.veth(a, "eth0", b, "eth0", { up = true })
  netns.veth(a, "eth1", c, "eth0", { up = true })
  a:addr_add("eth0", "10.8.1.1/24")
  a:addr_add("eth1", "10.8.2.1/24")
  local got
  netns.on("route", function(ev)
    if ev.dst == "10.99.0.0/16" then got = ev; netns.stop() end
  end, { ns = a })
  a:exec("ip route add 10.99.0.0/16 proto static nexthop via 10.8.1.2 dev eth0 weight 2 nexthop via 10.8.2.2 dev eth1",
    { check = true })
  assert(netns.wait(LIVENESS), "route event")
  local function check(r, what)
    assert(r.proto == "static" and r.scope == "global" and r.via == nil and r.dev == nil, what)
    assert(#r.nexthops == 2, what .. ": nexthops")
    local n1, n2 = r.nexthops[1], r.nexthops[2]
    assert(n1.via == "10.8.1.2" and n1.dev == "eth0" and n1.weight == 2, what .. ": nexthop 1")
    assert(n2.via == "10.8.2.2" and n2.dev == "eth1" and n2.weight == 1, what .. ": nexthop 2")
  end
  check(got, "event")
  local listed
  for _, r in ipairs(a:routes()) do
    if r.dst == "10.99.0.0/16" then listed = r end
    if r.dst == "10.8.1.0/24" then assert(r.proto == "kernel" and r.scope == "link" and r.nexthops == nil) end
  end
  check(listed, "routes()")
  netns.del_all()
end

-- A method that exists only on Namespace objects names itself "ns:NAME" in
-- every error it raises, also when the namespace is gone.
function TestMethodErrorsNameTheMethod(t)
  local gone = netns.add("w-gone")
  netns.del("w-gone")
  local ok, err = pcall(gone.links, gone)
  assert(not ok and err.op == "ns:links" and err.code == "ENOENT", tostring(err))
  ok, err = pcall(gone.pids, gone)
  assert(not ok and err.op == "netns.pids", tostring(err))
end
