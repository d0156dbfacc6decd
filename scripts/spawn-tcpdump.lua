--//needs tcpdump
--//skip-unless-root (tcpdump changes its uid, which a user namespace refuses)
-- A packet capture in a router for 2 s: tcpdump is spawned in r1, pings
-- cross it, then it gets SIGINT (as Ctrl-C would) and prints how many
-- packets it captured on stderr.
--
--   h1 (10.0.1.2) --- eth1 [r1] eth2 --- h2 (10.0.2.2)
local lab = netns.lab {
  name = "cap", temp = true, -- removed however the script ends
  nodes = { h1 = {}, h2 = {}, r1 = { sysctl = { ["net.ipv4.ip_forward"] = 1 } } },
  links = {
    { "h1:eth0", "r1:eth1", addrs = { "10.0.1.2/24", "10.0.1.1/24" } },
    { "h2:eth0", "r1:eth2", addrs = { "10.0.2.2/24", "10.0.2.1/24" } },
  },
  routes = { h1 = { { dst = "default", via = "10.0.1.1" } },
             h2 = { { dst = "default", via = "10.0.2.1" } } },
}
lab:up()

-- -Z root: keep root rather than switch to the tcpdump user; -n: no DNS.
local cap = netns.spawn("cap-r1", { "tcpdump", "-Z", "root", "-n", "-i", "eth1", "icmp" }, { name = "capture" })
cap:expect("listening on eth1", 10)

for _ = 1, 3 do
  assert(netns.ping("cap-h1", "10.0.2.2").ok)
end

-- Capture for 2 s in all, then stop it.
print(cap:wait(2), cap:alive())
cap:kill("INT")
local r = cap:wait()
print(r.code, r.stderr:match("(%d+) packets? captured"))
lab:down()
-- Output:
-- nil	true
-- 0	6
