-- netns.lab{...} describes a lab; lab:up() builds it and returns the
-- changes it made as tables {op=, kind=, name=, value=}. up() is
-- idempotent: a second call finds nothing to do.
local lab = netns.lab{
  name = "demo",                          -- namespaces are demo-h1, demo-r1, ...
  nodes = { h1 = {}, h2 = {}, r1 = { sysctl = { ["net.ipv4.ip_forward"] = 1 } } },
  links = {
    { "h1:eth0", "r1:eth1", addrs = { "10.0.1.2/24", "10.0.1.1/24" } },
    { "h2:eth0", "r1:eth2", addrs = { "10.0.2.2/24", "10.0.2.1/24" } },
  },
  routes = { h1 = { { dst = "default", via = "10.0.1.1" } },
             h2 = { { dst = "default", via = "10.0.2.1" } } },
}
print(lab, lab.name)
for _, c in ipairs(lab:up()) do
  print(c.op, c.kind, c.name, c.value or "")
end
print("second up:", #lab:up(), "changes")
lab:down()
-- Output:
-- lab("demo")	demo
-- add	netns	demo-h1	
-- add	netns	demo-h2	
-- add	netns	demo-r1	
-- set	sysctl	demo-r1	net.ipv4.ip_forward=1
-- add	link	demo-h1:eth0	veth peer demo-r1:eth1
-- add	addr	demo-h1:eth0	10.0.1.2/24
-- add	addr	demo-r1:eth1	10.0.1.1/24
-- add	link	demo-h2:eth0	veth peer demo-r1:eth2
-- add	addr	demo-h2:eth0	10.0.2.2/24
-- add	addr	demo-r1:eth2	10.0.2.1/24
-- add	route	demo-h1	default via 10.0.1.1
-- add	route	demo-h2	default via 10.0.2.1
-- second up:	0	changes
