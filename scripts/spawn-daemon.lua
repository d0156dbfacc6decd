-- lab:down() stops every process in the lab's namespaces before it deletes
-- them, whoever started them: here a daemon that forked twice (setsid,
-- parent gone), which no process group or handle reaches. It gets SIGTERM,
-- then SIGKILL after the grace, and down() reports how many it stopped.
local lab = netns.lab { name = "d", nodes = { n1 = {}, n2 = {} } }
lab:up()

-- The classic double fork: the subshell starts a new session and exits,
-- leaving the daemon orphaned. exec returns at once.
netns.exec("d-n1", "(setsid sh -c 'trap \"\" TERM; exec sleep 1000' </dev/null >/dev/null 2>&1 &)")
-- And a spawned process with a handle, in the other node.
local p = netns.spawn("d-n2", { "sleep", "1000" })

local pids = netns.pids("d-n1")
print(#pids, #netns.pids("d-n2"))

for _, c in ipairs(lab:down { grace = 0.5 }) do
  if c.kind == "process" then print(c.op, c.kind, c.name, c.value) end
end
-- The daemon is gone (it ignored SIGTERM: SIGKILL after the grace); at
-- most a zombie is left until init reaps it ...
local function running(pid)
  local f = io.open("/proc/" .. pid .. "/stat")
  if not f then return false end
  local state = f:read("*a"):match("%) (%a)")
  f:close()
  return state ~= "Z" and state ~= "X"
end
print(running(pids[1]))
-- ... and the spawned process too.
print(p:wait().signal)
-- Output:
-- 1	1
-- kill	process	d	2
-- false
-- 15
