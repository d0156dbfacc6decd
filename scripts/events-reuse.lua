-- Events of a reused name: a namespace added and deleted again, however
-- quickly and however often, gives one "add" and one "del" each time,
-- in order, even when the watcher reads them long after they happened.
local N, adds, dels, order_ok = 1500, 0, 0, true -- 3000 events: beyond the 1024 held in memory
netns.on("add", function(ev)
  adds = adds + 1
  if adds ~= dels + 1 then order_ok = false end
end)
netns.on("del", function(ev)
  dels = dels + 1
  if dels == N then netns.stop() end
end)
for i = 1, N do
  netns.add("x")
  netns.del("x")
end
print("stopped:", netns.wait(60))
print("adds:", adds, "dels:", dels, "in order:", order_ok)
-- Output:
-- stopped:	true
-- adds:	1500	dels:	1500	in order:	true
