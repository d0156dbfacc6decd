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
netns.del("blue")
-- Output:
-- true	0	nil	true
-- lo
-- false	3	out
-- 	err
--
-- number
-- false	ENOENT
