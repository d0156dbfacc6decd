-- Events: netns.on(event, fn [, filter]) registers a handler and returns
-- its id; netns.off(id) removes it. "add" and "del" report names appearing
-- in and leaving the run dir, whoever made the change (nssh, ip, another
-- process). Handlers run only on the Lua thread: in scripts, inside
-- netns.wait([seconds]), which returns true when a handler calls
-- netns.stop() and false when the time runs out.
--
-- Equivalent to: ip netns monitor
local added = {}
local on_add = netns.on("add", function(ev)
  added[#added + 1] = ev.event .. " " .. ev.name
  if #added == 2 then netns.stop() end
end)
-- A filter limits a handler to one name.
netns.on("del", function(ev) print(ev.event, ev.name, "(filtered)") end, { ns = "red" })

netns.add("blue")
netns.add("red")
print("stopped:", netns.wait(10))
table.sort(added)   -- two adds in a row may be reported in either order
print(table.concat(added, ", "))

print("removed:", netns.off(on_add), netns.off(on_add))
netns.add("green")                 -- no "add" handler any more

netns.del("blue")
netns.del("red")
print("stopped:", netns.wait(0.5)) -- the "del" of red runs its handler

-- A handler that fails prints its error and traceback to stderr and
-- stays registered.
netns.on("del", function(ev) error("handler failed for " .. ev.name) end)
netns.del("green")
print("stopped:", netns.wait(0.5))

-- An unknown event name is an argument error.
print(pcall(netns.on, "added", print))
-- Output:
-- stopped:	true
-- add blue, add red
-- removed:	true	false
-- del	red	(filtered)
-- stopped:	false
-- stopped:	false
-- false	scripts/events.lua:37: bad argument #1 to 'on' (unknown event "added" (expected add, del, link, addr, route, output or exit))
