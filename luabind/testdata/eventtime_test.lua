-- Every event carries time: seconds (monotonic) since the script started,
-- the lifecycle and process events included.
function TestEveryEventHasTime(t)
  local seen, got = {}, {}
  -- The add event comes from the run dir's watch and the exit event from
  -- the reaper: on a loaded machine either can come first, so wait for both.
  local function rec(ev)
    seen[#seen + 1] = ev
    got[ev.event] = true
    if got.add and got.exit then netns.stop() end
  end
  netns.on("add", rec)
  netns.on("exit", rec)
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
