-- Tests of netns.on/off/wait/stop/next_event.

function TestNextEvent(t)
  assert(netns.next_event(0) == nil, "arms the watch; nothing queued yet")
  netns.add("blue")
  local ev = netns.next_event(LIVENESS)
  assert(ev and ev.event == "add" and ev.name == "blue", ev and ev.event)
  netns.del("blue")
  ev = netns.next_event(LIVENESS)
  assert(ev.event == "del" and ev.name == "blue")
  assert(netns.next_event("10ms") == nil, "timeout gives nil")
end

-- core.Watch keeps the order of events per name, not across names (an add
-- is reported once the entry is mounted), so these tests never assume it.

function TestHandlers(t)
  local seen = {}
  local id = netns.on("add", function(ev)
    seen[#seen + 1] = ev.event .. " " .. ev.name
    if #seen == 2 then netns.stop() end
  end)
  assert(type(id) == "number")
  local id2 = netns.on("del", function(ev) seen[#seen + 1] = "del " .. ev.name end)
  netns.add("a")
  netns.add("b")
  assert(netns.wait(LIVENESS) == true, "stopped by the handler")
  table.sort(seen)
  assert(seen[1] == "add a" and seen[2] == "add b", table.concat(seen, ","))
  assert(netns.off(id) == true)
  assert(netns.off(id) == false, "already removed")
  netns.add("c")   -- no add handler any more
  netns.del("a")
  local stop = netns.on("del", function(ev) if ev.name == "a" then netns.stop() end end)
  assert(netns.wait(LIVENESS))
  assert(seen[3] == "del a" and #seen == 3, table.concat(seen, ","))
  netns.off(id2); netns.off(stop)
  netns.del_all()
  assert(netns.wait(0.05) == false, "time ran out: false")
  assert(#seen == 3, table.concat(seen, ","))
end

function TestFilter(t)
  local seen, all = {}, 0
  netns.on("add", function(ev) seen[#seen + 1] = ev.name end, {ns = "want"})
  netns.on("add", function(ev) all = all + 1; if all == 3 then netns.stop() end end)
  netns.add("other")
  netns.add("want")
  netns.add("last")
  assert(netns.wait(LIVENESS))
  assert(#seen == 1 and seen[1] == "want", table.concat(seen, ","))
  netns.del_all()
end

function TestHandlerErrorKeepsHandler(t)
  local calls, all = 0, 0
  netns.on("add", function(ev)
    calls = calls + 1
    error("boom " .. ev.name)
  end)
  netns.on("add", function(ev) all = all + 1; if all == 2 then netns.stop() end end)
  netns.add("x")
  netns.add("y")
  assert(netns.wait(LIVENESS))
  assert(calls == 2, "the failing handler stays registered: " .. calls)
  local out = handler_output()
  assert(out:find("boom x", 1, true) and out:find("boom y", 1, true), out)
  assert(out:find("stack traceback", 1, true), out)
  netns.del_all()
end

function TestStructuredErrorInHandler(t)
  netns.on("add", function(ev) netns.add(ev.name) end) -- EEXIST
  netns.on("add", function() netns.stop() end)
  netns.add("dup")
  assert(netns.wait(LIVENESS))
  assert(handler_output():find("netns.add: dup: File exists", 1, true), handler_output())
  netns.del("dup")
end

function TestOnErrors(t)
  expect_argerror("bad argument #1 to 'on' %(unknown event \"create\"", netns.on, "create", print)
  expect_argerror("bad argument #1 to 'on' %(unknown event \"delete\"", netns.on, "delete", print)
  expect_argerror("bad argument #2 to 'on' %(function expected, got no value%)", netns.on, "add")
  expect_argerror("bad argument #3 to 'on' %(unknown option \"name\"", netns.on, "add", print, {name = "x"})
  expect_argerror("filter \"ns\"", netns.on, "add", print, {ns = "a/b"})
  expect_argerror("bad argument #1 to 'off'", netns.off, "x")
  expect_argerror("bad argument #1 to 'wait'", netns.wait, "forever")
  expect_argerror("bad argument #1 to 'wait'", netns.wait, -1)
  expect_argerror("bad argument #1 to 'next_event'", netns.next_event, {})
end

-- A burst of more than 2000 changes with a consumer that only starts
-- reading after it is over: nothing is lost, the view built from the
-- events ends equal to the directory.
function TestBurstNoLoss(t)
  assert(netns.next_event(0) == nil)
  for i = 1, 1200 do netns.add("burst" .. i) end
  for i = 1, 1200, 3 do netns.del("burst" .. i) end
  for i = 1, 400 do netns.add("late" .. i) end
  local want = {}
  for _, e in ipairs(netns.list()) do want[e.name] = true end
  local view, events = {}, 0
  local function same()
    for k in pairs(want) do if not view[k] then return false end end
    for k in pairs(view) do if not want[k] then return false end end
    return true
  end
  while not same() do
    local ev = netns.next_event(LIVENESS)
    assert(ev, "an event is missing after " .. events .. " events")
    events = events + 1
    if ev.event == "add" then view[ev.name] = true else view[ev.name] = nil end
  end
  -- names added and deleted while the watcher was behind may never be
  -- reported (an add is reported only for a mounted namespace), so the
  -- number of events is not fixed; the view is what must agree.
  -- then delete everything, consumed by slow handlers that keep the view
  netns.on("add", function(ev) view[ev.name] = true end)
  netns.on("del", function(ev)
    for _ = 1, 200 do local _ = {} end  -- a slow consumer
    view[ev.name] = nil
    if next(view) == nil then netns.stop() end
  end)
  local n = netns.del_all()
  assert(n == 1200, n)
  assert(netns.wait(LIVENESS), "all del events delivered to the handler")
  assert(next(view) == nil)
end

function TestNetlinkLinkEvents(t)
  local r1 = netns.add("r1")
  local seen = {}
  netns.on("link", function(ev)
    seen[#seen + 1] = ev
    if ev.name == "d0" and ev.action == "del" then netns.stop() end
  end, {ns = "r1"})
  local r = r1:exec({"ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"})
  assert(r.ok, r.stderr)
  r1:exec({"ip", "link", "del", "d0"}, {check = true})
  assert(netns.wait(LIVENESS))
  local new
  for _, ev in ipairs(seen) do
    assert(ev.event == "link" and ev.ns == "r1", ev.event)
    if ev.name == "d0" and ev.action == "new" then new = new or ev end
  end
  assert(new, "a link new event for d0")
  assert(type(new.index) == "number" and new.up == false, tostring(new.up))
  r1:del()
end

-- The first next_event also reports the adds and dels this script made
-- before it was called; a handler registered later does not get them.
function TestNextEventReportsEarlierOwnChanges(t)
  netns.add("early-a"); netns.add("early-b"); netns.del("early-a")
  local got = {}
  for _ = 1, 3 do
    local ev = netns.next_event(2)
    assert(ev, "missing event")
    got[#got + 1] = ev.event .. " " .. ev.name
  end
  assert(table.concat(got, ",") == "add early-a,add early-b,del early-a", table.concat(got, ","))
  netns.del("early-b")
  local ev = netns.next_event(2)
  assert(ev and ev.event == "del" and ev.name == "early-b")
end
