--//timeout 120
-- A star lab: 200 hosts on one switch (a bridge in the namespace star-sw),
-- a veth and an address per host, everything up; a quick check of a few
-- pings across the switch; then teardown. This is the lab bench/lab.sh
-- times against ip, pyroute2 and Mininet. Run: nssh scripts/star.lua [N]
local n = tonumber(arg[1]) or 200
local nodes, links = { sw = { bridge = "br0" } }, {}
for i = 1, n do
  nodes["h" .. i] = {}
  links[i] = { "sw:p" .. i, "h" .. i .. ":eth0",
               addrs = { false, string.format("10.1.%d.%d/16", math.floor(i / 256), i % 256) } }
end
local lab = netns.lab{ name = "star", nodes = nodes, links = links }

local changes = lab:up()
local count = {}
for _, c in ipairs(changes) do
  local k = c.op .. " " .. c.kind
  count[k] = (count[k] or 0) + 1
end
for _, k in ipairs({ "add netns", "add link", "add addr" }) do print(k, count[k]) end

local m = lab:check{ nodes = { "h1", "h" .. math.floor(n / 2), "h" .. n }, timeout = 2 }
print(m)
print("namespaces:", #netns.list())
print("removed:", #lab:down())
print("namespaces:", #netns.list())
-- Output:
-- add netns	201
-- add link	201
-- add addr	200
--        h1 h100 h200
-- h1          ok   ok
-- h100   ok        ok
-- h200   ok   ok
-- 6/6 reachable
-- namespaces:	201
-- removed:	201
-- namespaces:	0
