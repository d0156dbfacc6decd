-- The OSPF ring of bench/ospf.sh in nssh: N routers in a ring, BIRD 2 on
-- each as a lab service, a loopback per router.
--   nssh ring.lua up N        build the lab (returns when every bird is ready)
--   nssh ring.lua converge N  wait until every router reaches every loopback
local mode, n = arg[1], tonumber(arg[2])
local function conf(i)
  return ([[
router id 10.255.0.%d;
log stderr all;
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
for i = 1, n do
  nodes["r" .. i] = {
    sysctl = { ["net.ipv4.ip_forward"] = 1 },
    addrs = { lo = { ("10.255.0.%d/32"):format(i) } },
    files = { ["/etc/bird/bird.conf"] = conf(i) },
    services = { bird = { cmd = { "bird", "-f", "-c", "/etc/bird/bird.conf", "-s", "bird.ctl" }, ready = "Started" } },
  }
  links[#links + 1] = { ("r%d:eth1"):format(i), ("r%d:eth0"):format(i % n + 1),
                        addrs = { ("10.0.%d.1/30"):format(i), ("10.0.%d.2/30"):format(i) } }
end
local lab = netns.lab{ name = "ospf", nodes = nodes, links = links }
if mode == "up" then
  lab:up()
else
  local m, after = lab:check{ until_full = true, targets = "lo", timeout = 120 }
  print(after and "converged" or "not converged")
end
