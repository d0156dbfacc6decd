-- help(fn_or_name) prints the reference entry of an API function, given
-- the function itself or its name ("netns.add", "ns:exec", "lab:up");
-- help() prints the index of every entry. The REPL's .help does the same.
help(netns.del)
help("ns:pids")
print(pcall(help, "no.such.function") == false)
-- Output:
-- netns.del(name_or_ns)   ns:del()
-- Removes the name (unmount + unlink). The namespace itself lives on while
-- processes use it. A stale file under the name is removed too, like ip does.
-- A Namespace object whose name now refers to another namespace raises ENOENT.
-- With {kill=true} (and grace=, default 2 s) every process in the namespace
-- is stopped first (SIGTERM, SIGKILL after grace) and del returns how many.
-- Equivalent to: ip netns del NAME
-- netns.pids(name_or_ns) -> { pid, ... }   ns:pids()
-- The processes (ascending) whose network namespace is this one.
-- Equivalent to: ip netns pids NAME
-- true
