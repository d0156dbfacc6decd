-- ns:spawn(cmd [, opts]) starts a command in a namespace and returns a
-- handle at once (Mininet's popen, Python's subprocess.Popen). Its output
-- goes to a bounded buffer (the last 1 MiB of lines per stream) that
-- proc:lines, proc:expect and proc:wait read; the process never waits for
-- the script. Everything it spawned is stopped when the script ends
-- (SIGTERM to the process group, SIGKILL after 2 s), unless detach=true.
--
-- Equivalent to: ip netns exec NAME CMD &
local ns = netns.add("blue")

-- A filter that answers on stdout each line written to its stdin.
local p = ns:spawn({ "sed", "-u", "s/^/echo: /" }, { stdin = "pipe", name = "echo" })
print(tostring(p):match("^proc%(%d+ \"blue\"%)$") ~= nil, p.ns, p.name, p.cmd[1], p:alive())
p:write("hello\n")
print(p:expect("^echo: (%a+)$", 5))
p:write("one\ntwo\n")
p:close() -- sed reads EOF and exits
for line in p:lines(5) do print(line) end
local r = p:wait()
print(r.ok, r.code, p:alive())

-- A running process is listed by netns.procs and stopped by kill (its
-- whole process group: the shell and its sleep).
local s = ns:spawn("sleep 100 & sleep 100; wait", { name = "sleepers" })
print(#netns.procs(), netns.procs("blue")[1] == s)
print(s:wait(0.1)) -- still running: nil
print(s:kill(), s:wait().signal)

-- "output" and "exit" events, dispatched by netns.wait. A handler gets
-- the lines that arrive while it is registered: t waits for its go.
local t = ns:spawn("read go; echo from-t; exit 4", { name = "t", stdin = "pipe" })
netns.on("output", function(ev) print(ev.event, ev.stream, ev.line, ev.name) end, { proc = t })
netns.on("exit", function(ev)
  print(ev.event, ev.pid == t.pid, ev.code, ev.ns)
  netns.stop()
end)
t:write("go\n")
netns.wait(10)

-- Bad input is a clear error.
print(pcall(ns.spawn, ns, { "no-such-command-xyz" }))
print(select(2, pcall(ns.spawn, ns, "true", { stdout = 1 })))
print(select(2, pcall(s.kill, s, "NOPE")))
print(select(2, pcall(p.write, p, "late")).code)
netns.del("blue")
-- Output:
-- true	blue	echo	sed	true
-- hello
-- echo: one
-- echo: two
-- true	0	false
-- 1	true
-- nil
-- true	15
-- output	stdout	from-t	t
-- exit	true	4	blue
-- false	netns.spawn: blue: exec of "no-such-command-xyz" failed: No such file or directory
-- scripts/spawn.lua:42: bad argument #3 to 'spawn' (option "stdout": "pipe", "null" or a file path expected, got number)
-- scripts/spawn.lua:43: bad argument #2 to 'proc:kill' (unknown signal "NOPE" (TERM, KILL, INT, HUP, USR1, ... or a number))
-- EBADF
