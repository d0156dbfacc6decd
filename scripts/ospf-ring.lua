--//needs bird
--//timeout 120
-- An OSPF ring of routers running BIRD 2 as lab services, each with a
-- loopback on lo. check{until_full=true, targets="lo"} waits until every
-- router reaches every loopback (convergence); then a link breaks and route
-- events (proto "bird", with their time) show BIRD rerouting around it.
-- down() leaves no process and no file behind.
local N = 6
local function conf(i)
  return ([[
log stderr all;
router id 10.255.0.%d;
protocol device { scan time 10; }
protocol kernel { ipv4 { export all; }; }
protocol ospf v2 {
  ipv4 { import all; export none; };
  area 0 {
    interface "eth*" { type ptp; hello 1; dead count 3; retransmit 2; };
    interface "lo" { stub; };
  };
}
]]):format(i)
end
local nodes, links = {}, {}
for i = 1, N do
  nodes["r" .. i] = {
    sysctl = { ["net.ipv4.ip_forward"] = 1 },
    addrs = { lo = { ("10.255.0.%d/32"):format(i) } },
    files = { ["/etc/bird/bird.conf"] = conf(i) },
    services = { bird = { cmd = { "bird", "-f", "-c", "/etc/bird/bird.conf", "-s", "bird.ctl" },
                          ready = "Started" } },
  }
  local j = i % N + 1
  links[#links + 1] = { ("r%d:eth1"):format(i), ("r%d:eth0"):format(j),
                        addrs = { ("10.0.%d.1/30"):format(i), ("10.0.%d.2/30"):format(i) } }
end
local lab = netns.lab{ name = "ospf", nodes = nodes, links = links }
lab:up()
local m, after = lab:check{ until_full = true, targets = "lo", timeout = 60 }
print(m)
print("converged:", after ~= nil)
io.stderr:write(("converged after %.3f s\n"):format(after or -1))

-- r1 reaches r2's loopback over its link to r2 (eth1), by a route BIRD made.
local function route_to(ns, dst)
  for _, r in ipairs(netns.get(ns):routes()) do
    if r.dst == dst then return r end
  end
end
local r = route_to("ospf-r1", "10.255.0.2/32")
print("r1 -> r2 loopback:", r.dev, r.proto)

-- Break r1-r2 and watch r1's routing table until BIRD reroutes via r6.
local t0, rerouted -- ev.time: seconds since the script started
netns.on("route", function(ev)
  if t0 and ev.action == "new" and ev.dst == "10.255.0.2/32" and ev.proto == "bird" and ev.dev == "eth0" then
    rerouted = ev.time - t0
    netns.stop()
  end
end, { ns = "ospf-r1" })
netns.on("link", function(ev)
  if ev.name == "eth1" and not ev.up then t0 = ev.time end
end, { ns = "ospf-r1" })
netns.get("ospf-r1"):link_set("eth1", { up = false })
netns.wait(30)
print("rerouted via eth0 (r6):", rerouted ~= nil and rerouted >= 0)
m, after = lab:check{ until_full = true, targets = "lo", timeout = 60 }
print("converged again:", after ~= nil, #route_to("ospf-r1", "10.255.0.2/32").dev > 0)
io.stderr:write(("reconvergence: route event %.3f s after the link went down; check: %.3f s\n"):format(rerouted or -1, after or -1))

-- up() repairs the link; down() stops every bird and removes every file.
lab:up()
local pids, dir = {}, lab:path("r1")
for _, s in ipairs(lab:services()) do pids[#pids + 1] = s.pid end
print(#pids, "birds running")
lab:down()
local left = 0
for _, pid in ipairs(pids) do -- gone, or a zombie its parent has yet to reap
  local f = io.open("/proc/" .. pid .. "/stat")
  if f and not f:read("*a"):match("^%d+ %b() [ZX]") then left = left + 1 end
end
print("after down:", left, "processes,", io.open(dir) == nil and "no node dir" or "node dir left", #netns.list(), "namespaces")
-- Output:
--    r1 r2 r3 r4 r5 r6
-- r1    ok ok ok ok ok
-- r2 ok    ok ok ok ok
-- r3 ok ok    ok ok ok
-- r4 ok ok ok    ok ok
-- r5 ok ok ok ok    ok
-- r6 ok ok ok ok ok
-- 30/30 reachable
-- converged:	true
-- r1 -> r2 loopback:	eth1	bird
-- rerouted via eth0 (r6):	true
-- converged again:	true	true
-- 6	birds running
-- after down:	0	processes,	no node dir	0	namespaces
