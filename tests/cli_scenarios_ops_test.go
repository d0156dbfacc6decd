package tests

// Differential scenarios for add, attach, set, delete, identify and pids.
func init() {
	cliScenarios = append(cliScenarios, []cliScenario{
		{"add-basic-layout", `
r $IP netns add a
stat -c '%a %F' /run/netns; stat -c '%a %s %F' /run/netns/a
layout
r $IP netns add b extra words ignored
layout
r $IP netns exec a sh -c 'ip -o link | cut -d" " -f2,9'
umount /run/netns/a; stat -c '%a %s %F' /run/netns/a`},
		{"add-errors", `
r $IP netns add
$IP netns add a
r $IP netns add a
touch /run/netns/st; mkdir /run/netns/dd; ln -s /nonexistent /run/netns/ln
for n in st dd ln; do r $IP netns add $n; done
r $IP netns list`},
		{"add-rundir-not-a-dir", `
touch /run/netns
r $IP netns add a
r $IP netns list; r $IP netns identify; r $IP -all netns delete`},
		{"add-rundir-read-only", `
mount -o remount,bind,ro /run || exit 98
r $IP netns add a; r $IP netns attach a $$
mount -o remount,bind,rw /run`},
		{"add-umask", `
umask 077
r $IP netns add a
stat -c '%a' /run/netns`},
		{"add-unprivileged", `
r $U $IP netns add a
ls -A /run
$IP netns add a
r $U $IP netns add b
r $IP netns list`},

		// attach (1.4).
		{"attach-basic", `
unshare -n sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
r $IP netns attach x $P
r $IP netns list
[ "$($IP netns pids x)" = "$P" ] && echo pids-match
r $IP netns exec x sh -c 'ip -o link | cut -d" " -f2'
layout
kill $P; wait $P 2>/dev/null
r $IP netns exec x true
r $IP netns delete x`},
		{"attach-pid-parsing", `
for p in 0 00 0x0 abc 12abc '' ' ' 2147483648 -2147483649 99999999999999999999 0x 08; do
	r $IP netns attach x "$p"
done
r $IP netns attach x 0x7fffffff; r $IP netns attach x -5; r $IP netns attach x 2147483647
r $IP netns attach x "$(printf '0x%x' $$)"; r $IP netns attach y "$(printf '0%o' $$)"
r $IP netns attach z "+$$"; r $IP netns attach w " $$"
r $IP netns list`},
		{"attach-errors", `
r $IP netns attach; r $IP netns attach x
$IP netns add a
r $IP netns attach a $$; r $IP netns attach a 999999999
touch /run/netns/st; r $IP netns attach st $$
r $IP netns attach b 999999999
r $IP netns list`},
		{"attach-unprivileged", `
r $U $IP netns attach a $$
$IP netns add b
r $U $IP netns attach a $$
ls -A /run/netns`},

		// set (1.5).
		{"set-values", `
for n in a b c d e; do $IP netns add $n; done
r $IP netns set a 0; r $IP netns set b 0x10; r $IP netns set c 010
r $IP netns set d auto; r $IP netns set e ' +9'
r $IP netns list; r $IP netns list-id`},
		{"set-errors", `
$IP netns add a; $IP netns add b
r $IP netns set; r $IP netns set a
for v in x -1 1x 99999999999 2147483648 '' AUTO 0x -0x1; do r $IP netns set a "$v"; done
r $IP netns set nope 1
r $IP netns set a 5; r $IP netns set a 5; r $IP netns set a 6; r $IP netns set a auto
r $IP netns set b 5
touch /run/netns/st; mkdir /run/netns/dd; ln -s /nonexistent /run/netns/ln
r $IP netns set st 1; r $IP netns set dd 1; r $IP netns set ln 1
r $IP netns set st auto
r $IP netns list`},
		{"set-unprivileged", `
$IP netns add a
r $U $IP netns set a 1; r $U $IP netns set a auto; r $U $IP netns set nope 1
r $IP netns list`},

		// delete (1.6).
		{"delete-basic", `
$IP netns add a; $IP netns add b; $IP netns add c
r $IP netns delete a; r $IP netns del b c
r $IP netns d nope; r $IP netns delete
r $IP netns list
layout`},
		{"delete-stale-dir-symlink", `
touch /run/netns/st; mkdir /run/netns/dd; ln -s /nonexistent /run/netns/ln
chmod 000 /run/netns/st
for n in st dd ln; do r $IP netns delete $n; done
ls -A /run/netns`},
		{"delete-all", `
mkdir /run/netns; mkdir /run/netns/dd
$IP netns add a; $IP netns add b; touch /run/netns/st; chmod 000 /run/netns/st
r $IP -all netns delete ignored-name
ls -f /run/netns | grep -v '^\.'
rmdir /run/netns/dd; $IP netns add c
r $IP -a netns del
ls -A /run/netns
r $IP -all netns delete`},
		{"delete-all-missing-and-unreadable", `
r $IP -all netns delete
mkdir /run/netns; $IP netns add a; chmod 000 /run/netns
r $U $IP -all netns delete
chmod 755 /run/netns; r $IP netns list`},
		{"delete-unprivileged", `
$IP netns add a; touch /run/netns/st; chmod 000 /run/netns/st
r $U $IP netns delete a; r $U $IP netns delete st
r $IP netns list`},
		{"delete-while-in-use", `
$IP netns add a
$IP netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
r $IP netns delete a
r $IP netns list
[ "$(readlink /proc/$P/ns/net)" != "$(readlink /proc/self/ns/net)" ] && echo still-in-own-netns
kill $P; wait $P 2>/dev/null`},

		// identify (1.7) and pids (1.8), single names only: identify with
		// several names is a deliberate difference (cli_differences_test.go).
		{"identify-argument-rules", `
r $IP netns identify
for p in self -1 +1 1a ' 1' abc 0x1 '1 '; do r $IP netns identify "$p"; done
r $IP netns identify 0; r $IP netns identify 0123; r $IP netns identify 99999999999999999999
r $IP netns identify 1 2; r $IP netns identify ''
r $IP netns identify "$$"; r $IP -j netns identify`},
		{"identify-named", `
r $IP netns identify
$IP netns add a; $IP netns add b
r $IP netns exec a $IP netns identify
r $IP netns exec b sh -c '$IP netns identify $$'
$IP netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
r $IP netns identify $P
touch /run/netns/st
r $IP netns identify $P
kill $P; wait $P 2>/dev/null`},
		{"identify-rundir-missing-unreadable", `
r $IP netns identify | od -c
mkdir /run/netns; chmod 000 /run/netns
r $U $IP netns identify
r $U $IP netns identify $$
chmod 755 /run/netns`},
		{"pids-cases", `
r $IP netns pids; r $IP netns pids a b
r $IP netns pids nope
$IP netns add a
r $IP netns pids a
touch /run/netns/st; mkdir /run/netns/dd; ln -s /nonexistent /run/netns/ln
r $IP netns pids st; r $IP netns pids dd; r $IP netns pids ln
$IP netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
[ "$($IP netns pids a)" = "$P" ] && echo pids-match
$IP netns pids a > /dev/null; echo rc=$?
kill $P; wait $P 2>/dev/null
r $IP netns pids a
chmod 000 /run/netns/st; r $U $IP netns pids st`},
	}...)
}
