package tests

// Differential scenarios for exec, -all exec, -n, global options,
// unprivileged use and interoperability.
func init() {
	cliScenarios = append(cliScenarios, []cliScenario{
		{"exec-exit-status", `
$IP netns add a
r $IP netns exec a sh -c 'exit 300'; r $IP netns exec a sh -c 'exit 255'
r $IP netns exec a true; r $IP netns exec a false
r $IP netns exec a sh -c 'kill -TERM $$'; r $IP netns exec a sh -c 'kill -KILL $$'
r $IP netns exec a sh -c 'kill -INT $$'`},
		{"exec-no-fork", `
$IP netns add a
$IP netns exec a sh -c 'echo $$ > /run/w/inner; exec sleep 1000' & P=$!
waitfile /run/w/inner; while [ ! -s /run/w/inner ]; do sleep 0.01; done
[ "$(cat /run/w/inner)" = "$P" ] && echo same-pid
kill $P; wait $P; echo "rc=$?"`},
		{"exec-setup-errors", `
r $IP netns exec; r $IP netns exec a
r $IP netns exec nope true
touch /run/netns/st; mkdir /run/netns/dd; ln -s /nonexistent /run/netns/ln
for n in st dd ln; do r $IP netns exec $n true; done`},
		{"exec-command-errors", `
$IP netns add a
r $IP netns exec a /nonexistent; r $IP netns exec a /etc; r $IP netns exec a no-such-cmd
r $IP netns exec a -- true; r $IP netns exec a ''
printf 'echo no-shebang "$@"\n' > /run/w/s; chmod +x /run/w/s
r $IP netns exec a /run/w/s x y
printf 'echo no-x\n' > /run/w/nox; r $IP netns exec a /run/w/nox
PATH=/run/w:$PATH; export PATH; r $IP netns exec a s via-path`},
		// "netns exec NAME CMD" takes the fast path (cmd/nssh/internal/
		// fastexec); abbreviated words and options take main's: both must
		// give ip's results.
		{"exec-slow-path", `
$IP netns add a
r $IP netns exe a sh -c 'exit 3'; r $IP net e a sh -c 'echo $$ >/dev/null; kill -TERM $$'
r $IP netns e nope true; r $IP netns e a no-such-cmd; r $IP -- netns exec a /etc
r $IP netns e a sh -c 'ls /sys/class/net; grep -c " /sys " /proc/self/mountinfo'`},
		{"exec-environment", `
$IP netns add a
r $IP netns exec a sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate'
r $IP netns exec a awk '$5 == "/sys" { for (i = 7; $i != "-"; i++); print $(i+1), $(i+2) }' /proc/self/mountinfo
FOO=bar $IP netns exec a sh -c 'echo "$FOO"; pwd; umask'; echo "rc=$?"
echo piped | $IP netns exec a cat; echo "rc=$?"
M=$(readlink /proc/self/ns/mnt); export M
r $IP netns exec a sh -c '[ "$(readlink /proc/self/ns/mnt)" != "$M" ] && echo new-mount-ns'
r $IP netns exec a sh -c 'mount -t tmpfs t /mnt && echo mounted'
grep -c ' /mnt ' /proc/self/mountinfo
r $IP netns exec a sh -c 'grep -c " /run/netns" /proc/self/mountinfo'`},
		{"exec-nested-and-fds", `
$IP netns add a; $IP netns add b
r $IP netns exec a $IP netns exec b $IP netns identify
r $IP netns exec a sh -c 'ls /proc/self/fd | wc -l'
r $IP netns exec a sh -c 'exec 3>&1; echo via-fd3 >&3'`},

		// -all exec (1.9): only cases without setup failures; those run
		// commands twice in ip 6.1 (a deliberate difference).
		{"allexec-basic", `
r $IP -all netns exec true
mkdir /run/netns; r $IP -all netns exec true
for n in a b c; do $IP netns add $n; done
r $IP -all netns exec sh -c 'echo out; echo err >&2'
$IP -all netns exec sh -c 'echo out; echo err >&2' 2>&1 | cat
r $IP -all netns exec false
r $IP -all netns exec sh -c 'exit 7'
r $IP -all netns exec $IP netns identify`},
		{"allexec-errors", `
$IP netns add a; $IP netns add b
r $IP -all netns exec
r $IP -all netns exec no-such-cmd
r $IP -all netns exec a
r $IP -all netns exec /bin/echo absolute
$IP -all netns exec no-such-cmd 2>&1 | cat
chmod 000 /run/netns; r $U $IP -all netns exec true; chmod 755 /run/netns`},
		{"allexec-signal-stops-loop", `
for n in a b c; do $IP netns add $n; done
r $IP -all netns exec sh -c 'echo in; kill -TERM $$'
r $IP -all netns exec sh -c 'kill -KILL $$'`},

		// -n (3.3).
		{"n-option-spellings", `
$IP netns add a
for o in -n -ne -net -netn -netns --netns --n --ne; do r $IP $o a netns identify; done`},
		{"n-option-behaviour", `
$IP netns add a; $IP netns add b; $IP netns set b 4
r $IP -n a netns list; r $IP -n a -j netns list; r $IP -j -n a netns list
r $IP -n a netns set b auto; r $IP -n a netns list-id; r $IP -n a netns list
r $IP -n ../netns/a netns identify
r $IP -n a -n b netns identify
r $IP -all -n a netns exec $IP netns identify
r $IP -n a netns exec b $IP netns identify`},
		{"n-option-errors", `
$IP netns add a
r $IP -n; r $IP -n '' netns list; r $IP -n nope netns list
touch /run/netns/st; r $IP -n st netns list
r $IP -n / netns list; r $IP -n a -n; r $U $IP -n a netns list`},
		{"n-add-is-stale-outside", `
$IP netns add a
r $IP -n a netns add x
r $IP netns list
r $IP netns exec a $IP netns add y
r $IP netns list; r $IP netns exec x true`},

		// Global options before "netns".
		{"options-spellings", `
$IP netns add a; $IP netns set a 1
for o in -j -js -json --json --j; do r $IP $o netns list; done
for o in -p -pr -pretty --pretty; do r $IP -j $o netns list; done
for o in -a -al -all --all; do r $IP $o netns exec /bin/echo x; done
r $IP -- netns list; r $IP -j -- netns list`},
		{"options-noops", `
$IP netns add a; $IP netns set a 1
r $IP -s -d -4 -6 -0 -M -B -iec -r -o -t -ts -fo -br -N -hu -st -de netns list
r $IP -c netns list; r $IP -color=never netns list; r $IP -co=auto netns list; r $IP --color netns list`},
		{"options-unknown", `
$IP netns add a
r $IP -x netns list; r $IP -j -zz netns list; r $IP --x netns list; r $IP -jj netns list
r $IP -color=bogus netns list; r $IP -all -y netns list`},

		// Unprivileged (no capabilities) use of every subcommand.
		{"unprivileged-all-commands", `
$IP netns add a; $IP netns set a 2
r $U $IP netns list; r $U $IP -j netns list; r $U $IP netns list-id
r $U $IP netns identify; r $U $IP netns pids a
r $U $IP netns add b; r $U $IP netns attach b $$; r $U $IP netns set a 3
r $U $IP netns exec a true; r $U $IP -n a netns list
r $U $IP netns delete a; r $U $IP -all netns delete
r $IP netns list`},

		// Interoperability: the namespace is made by one fixed tool and used
		// by $IP (in the ip run both sides are ip, in the nssh run they mix).
		{"interop-made-by-ip", `
ip netns add a; ip netns set a 5; ip netns add b
r $IP netns list; r $IP netns list-id
r $IP netns exec a sh -c 'ip -o link | cut -d" " -f2'
r $IP netns exec a $IP netns identify
r $IP netns set b auto; r $IP netns list
ip netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
[ "$($IP netns pids a)" = "$P" ] && echo pids-match
kill $P; wait $P 2>/dev/null
r $IP netns delete a; r $IP netns delete b; ip netns list; layout`},
		{"interop-made-by-nssh", `
$NSSH netns add a; $NSSH netns set a 5; $NSSH netns add b
r $IP netns list; r $IP netns list-id
r $IP netns exec a sh -c 'ip -o link | cut -d" " -f2'
r $IP netns exec a $IP netns identify
r $IP netns set b auto; r $IP netns list
layout
$NSSH netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
[ "$($IP netns pids a)" = "$P" ] && echo pids-match
kill $P; wait $P 2>/dev/null
r $IP netns delete a; r $IP netns delete b; $NSSH netns list; layout`},
		{"interop-mixed-layout", `
ip netns add a; $NSSH netns add b; ip netns add c; $NSSH netns add d
layout
r $IP netns list
$NSSH netns attach e $$; ip netns attach f $$
layout
r $IP -all netns delete
layout; ls -A /run/netns`},
	}...)
}
