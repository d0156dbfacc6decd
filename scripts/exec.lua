-- netns.exec(name_or_ns, cmd [, opts]) runs a command inside a namespace
-- with the same setup as `ip netns exec` (a fresh /sys, /etc/netns/NAME
-- files bound over /etc) and waits for it. cmd is an argv table, or a
-- string run with /bin/sh -c. The result is a plain table:
--   {code=, signal=, stdout=, stderr=, ok=, duration=}
--
-- Equivalent to: ip netns exec NAME CMD...
netns.add("blue")

-- An argv table: no shell involved.
local r = netns.exec("blue", { "cat", "/proc/net/dev" })
print(r.ok, r.code, r.signal, r.stdout:match("lo:") ~= nil)

-- A fresh namespace has only the loopback interface, and /sys shows it.
r = netns.exec("blue", { "ls", "/sys/class/net" })
io.write(r.stdout)

-- A string is a shell command line.
r = netns.exec("blue", "echo out; echo err >&2; exit 3")
print(r.ok, r.code, r.stdout, r.stderr)
print(type(r.duration))

-- A non-zero exit is a result, not an error; a missing command is an error.
local ok, err = pcall(netns.exec, "blue", { "no-such-command-xyz" })
print(ok, err.code)

-- cwd: the working directory; max_output: bytes kept of each of stdout and
-- stderr (default 64 MiB), the rest dropped and counted in r.dropped.
r = netns.exec("blue", "pwd; head -c 5000 /dev/zero", { cwd = "/tmp", max_output = 1000 })
print(r.stdout:sub(1, 5), #r.stdout, r.dropped)

-- A timeout kills the command's whole process group, not only its shell.
r = netns.exec("blue", "sleep 20 & sleep 20", { timeout = 0.3 })
print(r.signal)

-- exec returns when the command exits, even if a child it left in the
-- background still holds stdout.
r = netns.exec("blue", "echo started; sleep 20 &")
print(r.stdout, #netns.pids("blue"))

-- check=true: the error's msg ends with the last lines of stderr.
ok, err = pcall(netns.exec, "blue", "echo 'no config file' >&2; exit 1", { check = true })
print(err.code, err.msg)
netns.del("blue", { kill = true })
-- Output:
-- true	0	nil	true
-- lo
-- false	3	out
-- 	err
--
-- number
-- false	ENOENT
-- /tmp
-- 	1000	4005
-- 9
-- started
-- 	1
-- EXIT	"echo 'no config file' >&2; exit 1" exited with status 1; stderr: no config file
