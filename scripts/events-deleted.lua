-- Link events of namespaces deleted before the script waits: the handler
-- still gets everything the kernel reported in each one, in order, then a
-- "del" for each of its links (they go with the namespace), lo last. Events
-- wait in a queue that spills to an unlinked temporary file beyond 1024, so
-- a script may make any number of changes before it waits.
local y = netns.add("y")
local seen, ended = {}, 0
netns.on("link", function(ev)
  seen[#seen + 1] = ev.action .. " " .. ev.name
  if ev.action == "del" and ev.name == "lo" then -- the last one of a namespace
    ended = ended + 1
    print(table.concat(seen, ", "))
    seen = {}
    if ended == 3 then netns.stop() end
  end
end, { ns = "x" })
for i = 1, 3 do -- three namespaces, one after the other, all named x
  local x = netns.add("x")
  netns.veth(x, "eth0", y, "v" .. i)
  netns.del(x)
end
print("stopped:", netns.wait(30))
y:del()
-- Output:
-- new lo, new eth0, del eth0, del lo
-- new lo, new eth0, del eth0, del lo
-- new lo, new eth0, del eth0, del lo
-- stopped:	true
