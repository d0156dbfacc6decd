-- lab:dot() returns the topology in the Graphviz language (render it with
-- `dot -Tpng`). It needs no privileges: nothing is created.
local lab = netns.lab{
  name = "dot",
  nodes = { h1 = {}, sw = { bridge = "br0" },
            r1 = { sysctl = { ["net.ipv4.ip_forward"] = 1 }, addrs = { lo = "10.255.0.1/32" },
                   services = { bird = { cmd = "bird -f" } } } },
  links = {
    { "h1:eth0", "r1:eth1", addrs = { "10.0.1.2/24", "10.0.1.1/24" }, shape = { rate = "100mbit" } },
    { "r1:eth2", "sw:p1", addrs = { "10.0.2.1/24" } },
  },
}
io.write(lab:dot())
-- Output:
-- graph "dot" {
--   node [shape=ellipse, fontname="monospace"];
--   edge [fontname="monospace", fontsize=10];
--   "h1" [label="h1"];
--   "r1" [label="r1\nnet.ipv4.ip_forward=1\nlo 10.255.0.1/32\n[bird]"];
--   "sw" [label="sw\nbr0", shape=box];
--   "h1" -- "r1" [taillabel="eth0\n10.0.1.2/24", headlabel="eth1\n10.0.1.1/24", label="rate 100mbit"];
--   "r1" -- "sw" [taillabel="eth2\n10.0.2.1/24", headlabel="p1"];
-- }
