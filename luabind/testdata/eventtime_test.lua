-- Every event carries time: seconds (monotonic) since the script started,
-- the lifecycle and process events included.
function TestEveryEventHasTime(t)
  local seen = {}
  local function rec(ev) seen[#seen + 1] = ev end
  netns.on("add", rec)
  netns.on("exit", function(ev) rec(ev); netns.stop() end)
  netns.on("output", rec)
  local a = netns.add("a")
  a:spawn({ "echo", "hi" })
  assert(netns.wait(LIVENESS), "no exit event")
  local kinds = {}
  for _, ev in ipairs(seen) do
    assert(type(ev.time) == "number" and ev.time >= 0, ev.event .. " event without time")
    kinds[ev.event] = true
  end
  assert(kinds.add and kinds.exit, "add and exit events seen")
  netns.del_all()
end
