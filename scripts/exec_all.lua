-- netns.exec_all(cmd [, opts]) runs a command in every namespace at once
-- (a bounded pool of workers, opts.parallel) and returns the results keyed
-- by name. opts.match picks the namespaces: a Lua pattern, or an array of
-- names. A failure in one namespace does not stop the others. Every option
-- of netns.exec works here too.
--
-- Equivalent to: ip -all netns exec CMD...
for _, name in ipairs({ "web1", "web2", "db1" }) do
  netns.add(name)
end

local function show(results)
  local names = {}
  for name in pairs(results) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local r = results[name]
    print(name, r.ok, r.code, (r.stdout or ""):gsub("\n", "") .. "")
  end
end

-- All of them: each one sees only its own loopback device.
show(netns.exec_all("ls /sys/class/net | wc -l"))

-- Only the names matching a Lua pattern.
show(netns.exec_all({ "sh", "-c", "exit 1" }, { match = "^web" }))

-- Exactly these names.
show(netns.exec_all("echo db", { match = { "db1" } }))

netns.del_all()
-- Output:
-- db1	true	0	1
-- web1	true	0	1
-- web2	true	0	1
-- web1	false	1	
-- web2	false	1	
-- db1	true	0	db
