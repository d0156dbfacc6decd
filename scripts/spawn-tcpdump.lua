--//needs tcpdump
--//skip-unless-root (tcpdump changes its uid, which a user namespace refuses)
-- A packet capture in a router for 2 s: tcpdump is spawned in r1, pings
-- cross it, then it gets SIGINT (as Ctrl-C would) and prints how many
-- packets it captured on stderr.
--
--   h1 (10.0.1.2) --- eth1 [r1] eth2 --- h2 (10.0.2.2)
local h1, h2, r1 = netns.add("h1"), netns.add("h2"), netns.add("r1")
netns.veth(h1, "eth0", r1, "eth1", { up = true })
netns.veth(h2, "eth0", r1, "eth2", { up = true })
h1:addr_add("eth0", "10.0.1.2/24")
r1:addr_add("eth1", "10.0.1.1/24")
h2:addr_add("eth0", "10.0.2.2/24")
r1:addr_add("eth2", "10.0.2.1/24")
h1:route_add { dst = "default", via = "10.0.1.1" }
h2:route_add { dst = "default", via = "10.0.2.1" }
r1:sysctl("net.ipv4.ip_forward", 1)

-- -Z root: keep root rather than switch to the tcpdump user; -n: no DNS.
local cap = r1:spawn({ "tcpdump", "-Z", "root", "-n", "-i", "eth1", "icmp" }, { name = "capture" })
cap:expect("listening on eth1", 10)

for _ = 1, 3 do
  assert(netns.ping(h1, "10.0.2.2").ok)
end

-- Let it capture for 2 s more, then stop it.
print(cap:wait(2), cap:alive())
cap:kill("INT")
local r = cap:wait()
-- 3 requests and 3 replies at least (a ping may resend when a reply is late).
local n = tonumber(r.stderr:match("(%d+) packets? captured"))
print(r.code, n >= 6)
netns.del_all()
-- Output:
-- nil	true
-- 0	true
