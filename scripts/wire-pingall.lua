--//timeout 120
-- netns.pingall([names] [, opts]): every ordered pair of namespaces pings
-- in parallel, Mininet style. Each namespace is reached at its first
-- global IPv4 address. The result is { [src] = { [dst] = rtt_or_false } }
-- and prints as a grid (the REPL shows it that way by itself).
local sw = netns.add("sw")
sw:link_add { name = "br0", type = "bridge", up = true }
for i = 1, 4 do
  local h = netns.add("h" .. i)
  netns.veth(h, "eth0", sw, "p" .. i, { up = true })
  sw:link_set("p" .. i, { master = "br0" })
  h:addr_add("eth0", "10.0.0." .. i .. "/24")
end

-- Without names: every namespace with an address (the switch has none).
local m = netns.pingall()
print(tostring(m))
print(type(m.h1.h2), m.sw)

-- Unplug h4 and ask about chosen namespaces only.
sw:link_set("p4", { up = false })
m = netns.pingall({ "h1", "h2", "h4" }, { timeout = 0.3 })
print(tostring(m))
print(m.h1.h4, m.h4.h1)

netns.del_all()
-- Output:
--    h1 h2 h3 h4
-- h1    ok ok ok
-- h2 ok    ok ok
-- h3 ok ok    ok
-- h4 ok ok ok
-- 12/12 reachable
-- number	nil
--    h1 h2 h4
-- h1    ok --
-- h2 ok    --
-- h4 -- --
-- 2/6 reachable
-- false	false
