-- daemon-and-wait.lua NAME SECONDS: the victim of the SIGKILL tests of the
-- sandbox (tests/rootless_session_test.go, tests/host). In a new namespace
-- NAME it starts a daemon, `sleep SECONDS`, whose shell exits at once (so
-- the daemon is an orphan), prints "ready" once the daemon runs sleep, and
-- then blocks in a second `sleep SECONDS` until it is killed.
local name, seconds = ...
local ns = netns.add(name)
local pid = ns:exec({ "sh", "-c", "sleep " .. seconds .. " </dev/null >/dev/null 2>&1 & echo $!" },
  { check = true }).stdout:match("%d+")
repeat
  local f = io.open("/proc/" .. pid .. "/comm")
  local comm = f and f:read("*l")
  if f then f:close() end
until comm == "sleep"
print("ready")
io.stdout:flush()
ns:exec({ "sleep", seconds })
