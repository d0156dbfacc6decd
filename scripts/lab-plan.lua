-- lab:plan() lists what lab:up() would change, without changing anything.
-- After a change made by hand (here eth0 of h1 set down with ip, which
-- also drops h1's default route), plan() shows the repair and up() makes it.
local lab = netns.lab{
  name = "plan",
  nodes = { h1 = {}, r1 = {} },
  links = { { "h1:eth0", "r1:eth0", addrs = { "10.0.1.2/24", "10.0.1.1/24" } } },
  routes = { h1 = { { dst = "default", via = "10.0.1.1" } } },
}
print("before up:", #lab:plan(), "changes planned,", #netns.list(), "namespaces")
lab:up()
netns.exec("plan-h1", { "ip", "link", "set", "eth0", "down" }, { check = true })
for _, c in ipairs(lab:plan()) do print("plan:", c.op, c.kind, c.name, c.value) end
for _, c in ipairs(lab:up()) do print("up:", c.op, c.kind, c.name, c.value) end
print("after repair:", #lab:plan(), "changes planned")
lab:down()
-- Output:
-- before up:	6	changes planned,	0	namespaces
-- plan:	set	link	plan-h1:eth0	up
-- plan:	add	route	plan-h1	default via 10.0.1.1
-- up:	set	link	plan-h1:eth0	up
-- up:	add	route	plan-h1	default via 10.0.1.1
-- after repair:	0	changes planned
