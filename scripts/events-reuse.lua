-- Events of a reused name: a namespace added and deleted again, however
-- quickly and however often, gives one "add" and one "del" each time,
-- in order, even when the watcher reads them long after they happened.
local N, adds, dels, order_ok = 300, 0, 0, true
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
-- adds:	300	dels:	300	in order:	true
