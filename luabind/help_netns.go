package luabind

func init() { RegisterHelp(netnsHelp) }

// netnsHelp is the reference of the functions defined in this package's
// netns.go, exec.go, exec_all.go and events_lua.go.
var netnsHelp = map[string]string{
	"netns.list": `netns.list() -> { {name=, id=}, ... }
Lists the run dir in directory order (like ip, not sorted). id is the nsid
the current namespace uses for it, nil when none is assigned.
Equivalent to: ip netns list
  for _, e in ipairs(netns.list()) do print(e.name, e.id) end`,

	"netns.add": `netns.add(name) -> ns
Creates a named network namespace (a new netns bind-mounted on RUNDIR/name).
Raises {code="EEXIST"} if it exists, "EINVAL" for a bad name (empty, "/",
"." or "..", longer than 255 bytes), "EPERM" without CAP_SYS_ADMIN. A failed
add leaves nothing behind.
Equivalent to: ip netns add NAME
  local blue = netns.add("blue")`,

	"netns.get": `netns.get(name) -> ns or nil
Returns the namespace called name, or nil when there is none (or the entry
is not a mounted network namespace). Never raises for a missing namespace;
an invalid name (empty, '/', "." or "..", over 255 bytes) raises EINVAL.
  local ns = netns.get("blue") or netns.add("blue")`,

	"netns.attach": `netns.attach(name, pid) -> ns
Gives the network namespace of process pid the name name.
Raises "ENOENT"/"ESRCH" for a process that does not exist, "EEXIST" if the
name is taken.
Equivalent to: ip netns attach NAME PID`,

	"netns.del": `netns.del(name_or_ns)   ns:del()
Removes the name (unmount + unlink). The namespace itself lives on while
processes use it. A stale file under the name is removed too, like ip does.
A Namespace object whose name now refers to another namespace raises ENOENT.
With {kill=true} (and grace=, default 2 s) every process in the namespace
is stopped first (SIGTERM, SIGKILL after grace) and del returns how many.
Equivalent to: ip netns del NAME`,

	"netns.del_all": `netns.del_all() -> count
Deletes every entry of the run dir, in directory order; stops at the first
failure (raised, with the failing name).
Equivalent to: ip -all netns del`,

	"netns.set_id": `netns.set_id(name_or_ns, id | "auto")   ns:set_id(id | "auto")
Assigns the nsid id (0..2^31-1) to the namespace, or the lowest free one
with "auto". Raises "EEXIST" if it already has another id or id is taken,
"EPERM" without CAP_NET_ADMIN.
Equivalent to: ip netns set NAME NETNSID`,

	"netns.list_id": `netns.list_id() -> { {nsid=, name=}, ... }
The nsid table of the current namespace in kernel order; name is the first
run-dir name with that id, nil when the peer has none.
Equivalent to: ip netns list-id`,

	"netns.identify": `netns.identify([pid]) -> { name, ... }
Every run-dir name (directory order) of the network namespace of pid (this
process when nil). Empty when it has no name. Raises "ENOENT" for a pid
that does not exist.
Equivalent to: ip netns identify [PID]`,

	"netns.pids": `netns.pids(name_or_ns) -> { pid, ... }   ns:pids()
The processes (ascending) whose network namespace is this one.
Equivalent to: ip netns pids NAME`,

	"netns.exec": `netns.exec(name_or_ns, cmd [, opts]) -> result   ns:exec(cmd [, opts])
Runs cmd inside the namespace with the setup of ip netns exec (fresh /sys,
ETCDIR/NAME/* bound over /etc). cmd is an argv table {"ip", "-br", "addr"}
or a string run with /bin/sh -c. Waits and returns
  {code=, signal=, stdout=, stderr=, ok=, duration=}
code: exit status (128+n when killed); signal: number of the killing signal,
nil otherwise; ok: code == 0 and not killed; duration: seconds (a number).
Options:
  stdin = "text"        the child's standard input (default: none)
  env = {K="v", X=false} merged into the environment; false removes X
  timeout = 2 | "500ms"  kill the child (SIGKILL) after that long; signal=9
  check = true           a non-zero exit raises {code="EXIT", result=...}
  inherit = true         the child uses this terminal; stdout/stderr are nil
  cwd = "/dir"           the working directory
  max_output = bytes     keep at most that much of each of stdout and stderr
                         (default 64 MiB); the rest is read and dropped, and
                         result.dropped counts the bytes (absent when none)
The child has a process group of its own (not with inherit): a timeout kills
the whole group. exec returns when the command itself exits, even if a
child it left in the background still holds stdout (the output read so
far is the result). With check=true the error's msg ends with the last
lines of stderr.
A non-zero exit is a result, not an error. A missing command raises
"ENOENT". Ctrl-C kills the child and raises "ECANCELED". With inherit,
Ctrl-C is the child's to handle, as under a shell: the call raises
"ECANCELED" only if the child dies of it (bash goes on).
Equivalent to: ip netns exec NAME CMD...
  print(netns.exec("blue", {"ip", "-br", "link"}).stdout)`,

	"netns.exec_all": `netns.exec_all(cmd [, opts]) -> { [name] = result, ... }
Runs cmd in every namespace at once through a bounded pool of workers and
returns the results keyed by name. Options: those of netns.exec, plus
  parallel = n           workers (default 8 x CPUs, at most 1024)
  match = "^lab%-"       a Lua pattern (searched anywhere in the name)
  match = {"a", "b"}     or exactly these names
A failure in one namespace does not stop the others. Where the command
could not be started (namespace gone, command not found) the result is
{ok=false, error="netns.exec: NAME: ..."}. With check = true, after all
have finished, any failure raises with the whole table in err.results.
Equivalent to: ip -all netns exec CMD... (which runs one at a time)`,

	"netns.on": `netns.on(event, fn [, filter]) -> id
Calls fn(ev) for each event. Events:
  "add", "del"       a name appears in / leaves the run dir, whoever did it:
                     ev = {event="add", name="blue"}
  "link"             ev = {event="link", action="new"|"del", ns=, name=, index=, up=}
  "addr"             ev = {event="addr", action=, ns=, dev=, addr=}
  "route"            ev = {event="route", action=, ns=, dst=, via=, dev=, metric=,
                     table=, proto=, scope=, nexthops=} (nexthops: multipath)
  "output"           a line of a spawned process's stdout or stderr:
                     ev = {event="output", pid=, ns=, stream="stdout"|"stderr",
                     line=, name=}; filter {proc=p} for one process
  "exit"             a spawned process exited: ev = {event="exit", pid=, ns=,
                     code=, signal=, name=}
Every event has time: seconds (monotonic) since the script started.
filter = {ns="r1"} limits to one namespace (for add/del: to that name).
When on returns the watch is armed. Handlers run only on the Lua thread:
between REPL prompts, or inside netns.wait() in scripts. An error in a
handler is printed with its traceback and the handler stays registered.
No event is lost: beyond 1024 waiting events the queue spills to an
unlinked temporary file (output events wait in their process's buffer).
When a namespace is deleted, its link/addr/route handlers get what the
kernel reported for it, then a "del" for each of its objects (lo last),
though not necessarily before its own "del" event.
Equivalent to: ip netns monitor`,

	"netns.off": `netns.off(id) -> boolean
Removes the handler id returned by netns.on; false when there was none.`,

	"netns.wait": `netns.wait([seconds]) -> stopped
Runs handlers of events as they arrive, for seconds (number or "100ms"),
forever when nil, or until a handler calls netns.stop(); returns true when
stopped, false when the time ran out. Ctrl-C interrupts it.`,

	"netns.stop": `netns.stop()
Called from a handler: makes the running netns.wait() return true.`,

	"netns.next_event": `netns.next_event([seconds]) -> ev or nil
Returns the next queued event as a table (its handlers are not run), or
nil when none arrives within seconds (nil waits forever, 0 only polls).
Starts the add/del watch on first use; that first call also reports the
adds and dels this script made before it. Changes by other processes are
seen from the first call (or netns.on) on.
  netns.add("x"); print(netns.next_event(1).event) --> add`,

	"ns:id": `ns:id() -> nsid or nil
The nsid the current namespace uses for ns, nil when none is assigned.`,

	"ns.name": `ns.name
The name the Namespace was opened with. tostring(ns) is netns("blue"); two
Namespace values are == when they are the same kernel namespace.`,

	"help": `help([fn_or_name])
Prints the reference of a function (help(netns.add), help("ns:exec")) or,
without argument, the index of all entries.`,

	"errors": `Errors
Failed operations raise a table {op=, name=, code=, msg=} that prints as
"netns.add: blue: File exists". code is the errno name ("EEXIST", "ENOENT",
"EPERM"), "EINVAL" for a bad name, "EXIT" for a failed command under
check=true, "ECANCELED" when interrupted. Without privileges msg names what
was needed: "Operation not permitted (needs CAP_SYS_ADMIN)". Misuse raises
a string: bad argument #1 to 'add' (string expected, got nil).
  local ok, err = pcall(netns.add, "blue")
  if not ok and err.code == "EEXIST" then ... end`,
}
