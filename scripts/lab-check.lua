-- lab:check() pings from every node with an address to every other one
-- (like Mininet's pingall) and returns { [src] = { [dst] = rtt_or_false } };
-- tostring() draws it as a grid. Keys are node names; the namespace names
-- (as netns.pingall uses them) index it too. {nodes = {...}} restricts it
-- to some nodes.
local lab = netns.lab{
  name = "chk",
  nodes = { h1 = {}, h2 = {}, h3 = {}, sw = { bridge = "br0" } },
  links = {
    { "h1:eth0", "sw:p1", addrs = { "10.0.0.1/24" } },
    { "h2:eth0", "sw:p2", addrs = { "10.0.0.2/24" } },
    { "h3:eth0", "sw:p3", addrs = { "10.0.0.3/24" } },
  },
}
lab:up()
local m = lab:check()
print(m)
print("h1 -> h2 answered:", type(m.h1.h2) == "number")
print("by namespace name:", m["chk-h1"]["chk-h2"] == m.h1.h2)
local some = lab:check{ nodes = { "h1", "h3" }, timeout = "500ms" }
print(some)
lab:down()
-- Output:
--    h1 h2 h3
-- h1    ok ok
-- h2 ok    ok
-- h3 ok ok
-- 6/6 reachable
-- h1 -> h2 answered:	true
-- by namespace name:	true
--    h1 h3
-- h1    ok
-- h3 ok
-- 2/2 reachable
