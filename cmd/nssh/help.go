package main

// usage is the text of `nssh --help`.
const usage = `nssh - a network-namespace shell (Lua scripts, a REPL, and ip netns)

Usage:
  nssh [GLOBAL OPTIONS]                   REPL when stdin is a terminal,
                                          otherwise run stdin as one Lua chunk
  nssh [GLOBAL OPTIONS] FILE.lua [ARGS...]
                                          run a script; ARGS are in the global
                                          table arg (arg[0] = FILE)
  nssh [GLOBAL OPTIONS] -e 'CHUNK' [ARGS...]
                                          run a Lua chunk
  nssh [GLOBAL OPTIONS] [IP OPTIONS] netns SUBCOMMAND ...
                                          ip-netns-compatible mode (see below)
  nssh lab list                           labs made by scripts, in the columns
                                          NAME STATE OWNER NODES TEMP
                                          OWNER_ALIVE: name, up or partial,
                                          owner pid, node count, temp lab and
                                          owner still running (yes or no)
  nssh lab down NAME                      remove everything lab NAME owns
  nssh gc                                 remove crashed labs and temp labs
                                          whose owner process is gone,
                                          placeholders of killed adds, and
                                          namespaces stacked under another
  nssh doctor [--hosts N] [--fix]         host-wide limits for a lab of N
                                          hosts (default 10000): value, need,
                                          the command to raise each; --fix
                                          raises the sysctls (host-wide)
  nssh --help                             this text
  nssh --version                          the version

A script may start with "#!/usr/bin/env nssh". An uncaught Lua error exits 1
and prints FILE:LINE: message.

Global options:
  --run-dir DIR     named namespaces (env NSSH_RUN_DIR, default /run/netns)
  --etc-dir DIR     per-namespace /etc files for exec
                    (env NSSH_ETC_DIR, default /etc/netns)
  --state-dir DIR   nssh's own state, such as lab records
                    (env NSSH_STATE_DIR, default /run/nssh)
  -v                print a traceback with uncaught Lua errors
  --mem-limit SIZE  memory for scripts, -e, stdin chunks and the REPL:
                    bytes or a number with K, M, G (512M, 2G); 0 or off for
                    none (env NSSH_MEM_LIMIT, default 1G). Past it Lua
                    raises "not enough memory"
  --rootless        run scripts, -e and the REPL in a private sandbox even
                    with root (automatic without CAP_SYS_ADMIN; see below)
  --no-sandbox      never use the sandbox (without root, operations then
                    fail with EPERM)

Running without root:
  Scripts, -e, stdin chunks and the REPL started without CAP_SYS_ADMIN
  re-execute themselves in a private sandbox: new user, mount, network
  and PID namespaces with a private tmpfs on /run (run dir /run/netns,
  state dir /run/nssh, etc dir /run/etc-netns). Everything nssh does works
  there; commands started by exec see the sandbox's /run/netns. The
  sandbox, its namespaces and every process started in it vanish when
  nssh exits, however it exits. Host-wide settings (net.core.* limits,
  nssh doctor --fix) need root on the host. netns, lab, gc and doctor
  never use the sandbox: they work on the host's directories, as ip does.

ip netns compatibility mode:
  nssh [-j [-p]] [-all] [-n NAME] netns ...  behaves like iproute2 6.1's
  ip [-j [-p]] [-all] [-n NAME] netns ...: same subcommands and
  abbreviations, same output bytes, messages and exit statuses, same
  directory order, JSON and mount layout, so alias ip-netns='nssh netns'
  is safe and namespaces made by either tool work with the other.

  nssh netns [list]                       list names and nsids (-j: JSON)
  nssh netns add NAME                     create a named namespace
  nssh netns attach NAME PID              name the netns of process PID
  nssh netns set NAME NETNSID             assign an nsid (auto | N)
  nssh [-all] netns delete [NAME]         remove a name (or every name)
  nssh netns identify [PID]               names of PID's netns
  nssh netns pids NAME                    processes inside NAME
  nssh [-all] netns exec [NAME] CMD ...   run CMD inside NAME (or in each)
  nssh netns monitor                      print "add NAME" / "delete NAME"
  nssh netns list-id [target-nsid N] [nsid N]
                                          the nsid table
  nssh netns help                         ip's usage text (exit 255)

  Options before "netns", abbreviated as ip allows them: -j/-json,
  -p/-pretty, -a/-all, -n/-netns NAME (run the rest inside NAME, no name
  check, like ip -n). "netns" itself may be "net" or "netn", as in ip.
  Messages name the configured run dir verbatim.

Deliberate differences from ip 6.1 (bugs nssh does not copy):
  - monitor writes each event line at once, also into a pipe or file
    (ip 6.1 never flushes there and loses the events when killed).
  - -all exec never runs a command twice after a namespace's setup fails
    (ip 6.1's child returns into the loop; fixed upstream in 2024).
  - identify prints every name of the namespace, one per line, in
    directory order (ip 6.1 prints only the last; its man page says all).
  - a failed add never leaves a placeholder file behind, on any path
    (ip 6.1 leaves one when it cannot setns back, e.g. in a user namespace).
  - delete (and -all delete) removes only namespaces and placeholders
    (empty mode-0000 files): anything else in the run dir is refused and
    left alone, since nssh can be pointed at any directory (-all goes on
    with the other entries and exits 1). add never makes a directory that
    holds other files a run dir. A placeholder older than 5 s (an add that
    was killed) is reused by add and removed by 'nssh gc'.
  - add binds onto the file it created, never onto one another add made
    after a delete removed its own (ip 6.1 binds by path and can stack two
    namespaces on one name); delete removes every namespace stacked on
    the name (ip 6.1 only the top one, then fails with EBUSY).
  - a run, etc or state dir that other users can write (a tmpfs mounted
    without mode=0755 is 1777) is refused with the chmod that fixes it,
    exit 1, as ssh refuses such a ~/.ssh (ip uses any /run/netns).
`
