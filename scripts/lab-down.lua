-- lab:down() removes exactly what the lab owns: its namespaces (with the
-- links inside), marked "nssh:lab=NAME" on their lo. A namespace of the
-- same name made by someone else is never touched, and up() refuses it.
netns.add("own-h2")                      -- not the lab's
local lab = netns.lab{
  name = "own",
  nodes = { h1 = {}, h2 = {} },
  links = { { "h1:eth0", "h2:eth0" } },
}
local ok, err = pcall(lab.up, lab)
print(ok, err.code, err.msg)
for _, c in ipairs(lab:down()) do print(c.op, c.kind, c.name) end
for _, e in ipairs(netns.list()) do print("left:", e.name) end
netns.del("own-h2")
-- Output:
-- false	EEXIST	own-h2: namespace exists and is not owned by the lab (no "nssh:lab=own" marker) (lab left partial: lab:down() or `nssh lab down own` removes it)
-- del	netns	own-h1
-- left:	own-h2
