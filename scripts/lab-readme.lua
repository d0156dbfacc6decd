local lab = netns.lab{
  name = "demo",                         -- namespaces demo-h1, demo-h2, demo-h3, demo-r1, demo-sw
  nodes = { h1 = {}, h2 = {}, h3 = {}, r1 = { sysctl = { ["net.ipv4.ip_forward"] = 1 } },
            sw = { bridge = "br0" } },   -- a switch: its link ends become bridge ports
  links = { { "h1:eth0", "r1:eth1", addrs = { "10.0.1.2/24", "10.0.1.1/24" },
              shape = { rate = "100mbit" } },  -- also delay=, loss= where the kernel has sch_netem
            { "r1:eth2", "sw:p1", addrs = { "10.0.2.1/24" } },
            { "h2:eth0", "sw:p2", addrs = { "10.0.2.2/24" } },
            { "h3:eth0", "sw:p3", addrs = { "10.0.2.3/24" } } },
  routes = { h1 = { { dst = "default", via = "10.0.1.1" } },
             h2 = { { dst = "default", via = "10.0.2.1" } },
             h3 = { { dst = "default", via = "10.0.2.1" } } },
  temp = false,                          -- true: removed when the script exits or is killed
}
lab:up()             -- creates what is missing, repairs drift; returns { {op=, kind=, name=, value=}, ... }
lab:plan()           -- what up() would change, changing nothing
io.stderr:write(tostring(lab:check()), "\n")  -- { [node] = { [node] = rtt_or_false } }, drawn as a grid
io.write(lab:dot())  -- Graphviz, the only thing on stdout: nssh lab.lua | dot -Tpng > lab.png
lab:down()           -- removes exactly what the lab owns
-- Output:
-- graph "demo" {
--   node [shape=ellipse, fontname="monospace"];
--   edge [fontname="monospace", fontsize=10];
--   "h1" [label="h1"];
--   "h2" [label="h2"];
--   "h3" [label="h3"];
--   "r1" [label="r1\nnet.ipv4.ip_forward=1"];
--   "sw" [label="sw\nbr0", shape=box];
--   "h1" -- "r1" [taillabel="eth0\n10.0.1.2/24", headlabel="eth1\n10.0.1.1/24", label="rate 100mbit"];
--   "r1" -- "sw" [taillabel="eth2\n10.0.2.1/24", headlabel="p1"];
--   "h2" -- "sw" [taillabel="eth0\n10.0.2.2/24", headlabel="p2"];
--   "h3" -- "sw" [taillabel="eth0\n10.0.2.3/24", headlabel="p3"];
-- }
