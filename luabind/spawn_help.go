package luabind

func init() { RegisterHelp(spawnHelp) }

// spawnHelp is the reference of spawn.go and spawn_proc.go (nssh.md §4.5).
var spawnHelp = map[string]string{
	"netns.spawn": `netns.spawn(name_or_ns, cmd [, opts]) -> proc   ns:spawn(cmd [, opts])
Starts cmd (an argv table, or a string run with /bin/sh -c) in the
namespace with exec's environment, in a process group of its own, and
returns once it runs (a missing command raises ENOENT).
opts: env= (merged like exec's), cwd=, timeout= (SIGKILL to the group
after it), stdin= ("pipe" for proc:write, or a string; default /dev/null),
stdout=/stderr= ("pipe": the default, the last 1 MiB of lines kept for
lines/expect/wait and "output" events; "null"; or a file path appended to),
name= (a label for events and listings), detach=true (not killed when the
script ends; its own session; output defaults to "null").
Lifetime: when the script ends in any way (end, error, os.exit, SIGINT,
SIGTERM) each process not detached gets SIGTERM (whole group), SIGKILL
after 2 s. lab:down() and netns.del(name, {kill=true}) stop everything in
their namespaces, whoever started it.
Equivalent to: ip netns exec NAME CMD &
Example: scripts/spawn.lua`,

	"ns:spawn": `ns:spawn(cmd [, opts]) -> proc
netns.spawn(ns, cmd, opts) as a method: see help("netns.spawn").
Example: scripts/spawn.lua`,

	"netns.procs": `netns.procs([ns]) -> { proc, ... }
The processes this script spawned that still run, in start order; only
those in namespace ns when given.
Example: scripts/spawn.lua`,

	"proc.pid": `proc.pid, proc.ns, proc.cmd, proc.name, proc.dropped
The process id, its namespace's name, the command as given, the label
(opts.name) and how many output lines the bounded buffer dropped because
nobody read them in time (the process itself never waits).
Example: scripts/spawn.lua`,

	"proc:alive": `proc:alive() -> boolean
Whether the process has not exited yet.
Example: scripts/spawn.lua`,

	"proc:wait": `proc:wait([timeout]) -> {code=, signal=, ok=, stdout=, stderr=, duration=} or nil
Waits for the process to exit (nil when timeout seconds passed first).
stdout/stderr are the last 1 MiB of each (empty for "null" or files).
Example: scripts/spawn.lua`,

	"proc:kill": `proc:kill([sig]) -> true, or false when nothing was left to signal
Sends sig ("TERM" by default; "KILL", "INT", "HUP", "SIGUSR1", or a
number) to the process's whole process group. An unknown name is an
argument error.
Example: scripts/spawn.lua`,

	"proc:write": `proc:write(s)   proc:close()
Writes s to the stdin pipe (spawn with stdin="pipe"); close() closes it
(the process reads EOF; closing twice does nothing). Raises EINVAL without
a pipe, EBADF after close(), EPIPE when the process closed its end.
Example: scripts/spawn.lua`,

	"proc:close": `proc:close()
Closes the stdin pipe: the process reads EOF. See help("proc:write").
Example: scripts/spawn.lua`,

	"proc:lines": `proc:lines([timeout]) -> iterator
Iterates over stdout lines as they arrive (lines already read by lines or
expect are not returned again); ends at EOF, or when no line came within
timeout seconds.
  for line in proc:lines(5) do print(line) end
Example: scripts/spawn.lua`,

	"proc:expect": `proc:expect(pattern [, timeout]) -> captures
Waits for a stdout or stderr line matching the Lua pattern (readiness:
"listening on"), and returns its captures like string.match. Raises
ETIMEDOUT after timeout seconds (default 10), EXIT when the output ended
first; the msg of both holds the last lines of output.
Example: scripts/spawn-http.lua`,
}
