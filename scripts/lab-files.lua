-- Node files: files = { ["/etc/..."] = text } lands where `ip netns exec`
-- binds it over /etc (the etc dir of the node's namespace; as with ip, the
-- file or directory must exist in the real /etc to be bound), a relative
-- path in the node's private directory lab:path(node). up() writes what is
-- missing or differs (plan() shows it); down() removes both.
local hosts = "10.0.0.2 b\n"
local spec = {
  name = "lf",
  nodes = { a = { files = { ["/etc/hosts"] = hosts, ["peers.txt"] = "b\n" } }, b = {} },
  links = { { "a:eth0", "b:eth0", addrs = { "10.0.0.1/24", "10.0.0.2/24" } } },
}
local lab = netns.lab(spec)
for _, c in ipairs(lab:up()) do
  if c.kind == "file" then print(c.op, c.kind, c.name) end
end
-- Inside the namespace, /etc/hosts is the node's own:
io.write(netns.exec("lf-a", { "cat", "/etc/hosts" }).stdout)
local dir = lab:path("a")
print(dir:sub(-#"/nodes/lf/a"), io.open(dir .. "/peers.txt"):read("*a"))

-- A changed file is applied by up() and shown by plan() first.
spec.nodes.a.files["peers.txt"] = "b\nc\n"
lab = netns.lab(spec)
for _, c in ipairs(lab:plan()) do print("plan:", c.op, c.kind, c.name) end
lab:up()
print(#lab:plan(), io.open(dir .. "/peers.txt"):read("*a"))

lab:down()
print("after down:", io.open(dir .. "/peers.txt") == nil, io.open(dir) == nil)
-- Output:
-- add	file	lf-a:/etc/hosts
-- add	file	lf-a:peers.txt
-- 10.0.0.2 b
-- /nodes/lf/a	b
--
-- plan:	set	file	lf-a:peers.txt
-- 0	b
-- c
--
-- after down:	true	true
