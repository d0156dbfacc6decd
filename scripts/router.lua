-- A router between two subnets, wired by hand with the §4.3 calls:
--
--   h1 (10.0.1.2) --- eth1 [r1] eth2 --- h2 (10.0.2.2)
--
-- then checked with real traffic: ping fails until r1 forwards.
local h1, h2, r1 = netns.add("h1"), netns.add("h2"), netns.add("r1")
for _, ns in ipairs({ h1, h2, r1 }) do ns:link_set("lo", { up = true }) end

netns.veth(h1, "eth0", r1, "eth1", { up = true })
netns.veth(h2, "eth0", r1, "eth2", { up = true })
h1:addr_add("eth0", "10.0.1.2/24")
r1:addr_add("eth1", "10.0.1.1/24")
h2:addr_add("eth0", "10.0.2.2/24")
r1:addr_add("eth2", "10.0.2.1/24")
h1:route_add { dst = "default", via = "10.0.1.1" }
h2:route_add { dst = "default", via = "10.0.2.1" }

print("h1 -> r1:", netns.ping(h1, "10.0.1.1").ok)
print("h1 -> h2 before forwarding:", netns.ping(h1, "10.0.2.2", { timeout = 0.3 }).ok)

r1:sysctl("net.ipv4.ip_forward", 1)
print("h1 -> h2:", netns.ping(h1, "10.0.2.2").ok)
print("h2 -> h1:", netns.ping(h2, "10.0.1.2").ok)

-- What the routing tables look like now.
for _, ns in ipairs({ h1, r1 }) do
  for _, r in ipairs(ns:routes()) do
    if not r.dst:find(":") then -- IPv4 only
      print(ns.name, r.dst, r.via or "-", r.dev)
    end
  end
end

print(tostring(netns.pingall({ "h1", "h2", "r1" })))

netns.del_all()
-- Output:
-- h1 -> r1:	true
-- h1 -> h2 before forwarding:	false
-- h1 -> h2:	true
-- h2 -> h1:	true
-- h1	default	10.0.1.1	eth0
-- h1	10.0.1.0/24	-	eth0
-- r1	10.0.1.0/24	-	eth1
-- r1	10.0.2.0/24	-	eth2
--    h1 h2 r1
-- h1    ok ok
-- h2 ok    ok
-- r1 ok ok
-- 6/6 reachable
