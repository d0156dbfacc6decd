-- Lab nodes without an IPv6 address or route get IPv6 disabled in their
-- namespace before any link exists: no link-local addresses, DAD, router
-- solicitations or MLD reports, which flood the bridges of big labs.
-- ipv6=true on a node (or on the whole lab) keeps it.
local lab = netns.lab{
  name = "v6demo",
  nodes = { sw = { bridge = "br0" }, a = {}, b = {}, c = { ipv6 = true } },
  links = {
    { "a:eth0", "sw:p1", addrs = { "10.0.0.1/24" } },
    { "b:eth0", "sw:p2", addrs = { "fd00::2/64" } },
    { "c:eth0", "sw:p3" },
  },
}
lab:up()
for _, node in ipairs({ "sw", "a", "b", "c" }) do
  local ns = netns.get("v6demo-" .. node)
  local v6 = false
  for _, a in ipairs(ns:addrs()) do
    v6 = v6 or a.family == "inet6"
  end
  print(node, "disable_ipv6=" .. ns:sysctl("net.ipv6.conf.all.disable_ipv6"), "has IPv6 addresses:", v6)
end
lab:down()

-- A Linux bridge holds at most 1024 ports: a bigger switch node is an
-- error when the lab is described, before anything is made.
local nodes, links = { sw = { bridge = "br0" } }, {}
for i = 1, 1025 do
  nodes["h" .. i] = {}
  links[i] = { "h" .. i .. ":eth0", "sw:p" .. i }
end
print(select(2, pcall(netns.lab, { name = "big", nodes = nodes, links = links })))
-- Output:
-- sw	disable_ipv6=1	has IPv6 addresses:	false
-- a	disable_ipv6=1	has IPv6 addresses:	false
-- b	disable_ipv6=0	has IPv6 addresses:	true
-- c	disable_ipv6=0	has IPv6 addresses:	true
-- scripts/lab-ipv6.lua:32: bad argument #1 to 'lab' (nodes.sw: bridge br0 would have 1025 ports; a Linux bridge holds at most 1024: spread the links over several bridge nodes)
