-- Loopback addresses on lab nodes (addrs = { lo = {...} }) and a
-- convergence check that targets them: lab:check{until_full=true,
-- targets="lo"} pings every loopback from every node until all answer and
-- says how long that took (converged_after, in seconds).
local lab = netns.lab{
  name = "lb",
  nodes = {
    r1 = { addrs = { lo = { "10.255.0.1/32" } }, sysctl = { ["net.ipv4.ip_forward"] = 1 } },
    r2 = { addrs = { lo = "10.255.0.2/32" }, sysctl = { ["net.ipv4.ip_forward"] = 1 } },
  },
  links = { { "r1:eth0", "r2:eth0", addrs = { "10.0.12.1/30", "10.0.12.2/30" } } },
  routes = { r1 = { { dst = "10.255.0.2/32", via = "10.0.12.2" } },
             r2 = { { dst = "10.255.0.1/32", via = "10.0.12.1" } } },
}
for _, c in ipairs(lab:up()) do
  if c.kind == "addr" then print(c.op, c.kind, c.name, c.value) end
end
local m, after = lab:check{ until_full = true, targets = "lo", timeout = 30 }
print(m)
print("converged:", type(after) == "number", m.converged_after == after)

-- Drift: an address removed by hand is planned and put back by up().
netns.get("lb-r1"):addr_del("lo", "10.255.0.1/32")
for _, c in ipairs(lab:plan()) do print("plan:", c.op, c.kind, c.name, c.value) end
print(#lab:up(), #lab:up())

-- A target table picks any address per node.
print(lab:check{ targets = { r1 = "10.0.12.1", r2 = "10.255.0.2" } })
lab:down()
-- Output:
-- add	addr	lb-r1:lo	10.255.0.1/32
-- add	addr	lb-r2:lo	10.255.0.2/32
-- add	addr	lb-r1:eth0	10.0.12.1/30
-- add	addr	lb-r2:eth0	10.0.12.2/30
--    r1 r2
-- r1    ok
-- r2 ok
-- 2/2 reachable
-- converged:	true	true
-- plan:	add	addr	lb-r1:lo	10.255.0.1/32
-- 1	0
--    r1 r2
-- r1    ok
-- r2 ok
-- 2/2 reachable
