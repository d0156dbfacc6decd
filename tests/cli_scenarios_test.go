package tests

// cliScenario is one differential case: a sh script run with IP=ip and
// IP=nssh (see cli_compat_test.go for the environment: r CMD prints
// CMD's status as "rc=N", $U runs a command without capabilities,
// waitfile F waits for F, layout prints the run dir's mounts).
type cliScenario struct{ name, script string }

// cliScenarios: dispatch, names, list and list-id. The other groups are
// appended by init functions in cli_scenarios_*_test.go.
var cliScenarios = []cliScenario{
	{"dispatch-bare-netns", `
r $IP netns
$IP netns add a; $IP netns add b
r $IP netns
r $IP -all netns`},
	{"dispatch-object-abbrevs", `
$IP net add a; r $IP netn list; r $IP -j net list
r $IP -n a net identify; r $IP -all netn exec echo hi
r $IP net del a; r $IP netns list`},
	{"dispatch-list-abbrevs", `
$IP netns add a; $IP netns set a 5; $IP netns add b
for w in l li lis list s sh sho show ls lst; do r $IP netns $w; done`},
	{"dispatch-help-abbrevs", `
for w in h he hel help; do r $IP netns $w; done
r $IP netns help extra words`},
	{"dispatch-unknown-words", `
for w in listx Add LIST x lista sets z '' showx lsx; do r $IP netns "$w"; done
r $IP netns "" a
r $IP netns nope /`},
	{"dispatch-add-abbrevs", `
r $IP netns a n1; r $IP netns ad n2; r $IP netns add n3
r $IP netns list`},
	{"dispatch-set-abbrevs", `
$IP netns add a; $IP netns add b
r $IP netns se a 1; r $IP netns set b 2
r $IP netns s a 3
r $IP netns list`},
	{"dispatch-delete-abbrevs", `
for w in d de del dele delet delete; do $IP netns add "x$w"; r $IP netns $w "x$w"; done
r $IP netns list`},
	{"dispatch-identify-pids-abbrevs", `
$IP netns add a
for w in i id ide iden identify; do r $IP netns $w; done
for w in p pi pid pids; do r $IP netns $w; r $IP netns $w nope; done`},
	{"dispatch-exec-abbrevs", `
$IP netns add a
for w in e ex exe exec; do r $IP netns $w a echo "$w"; done`},
	{"dispatch-attach-listid-abbrevs", `
for w in at att atta attach; do r $IP netns $w; r $IP netns $w x; done
for w in list- list-i list-id; do r $IP netns $w; done`},
	{"dispatch-monitor-abbrevs-errors", `
mount -o remount,bind,ro /run || exit 98
for w in m mo mon monitor; do r $IP netns $w; done
r $IP netns monitor extra
mount -o remount,bind,rw /run`},
	{"monitor-creates-rundir-no-events", `
r timeout -s TERM 0.3 $IP netns monitor
stat -c '%a %F' /run/netns
r timeout -s TERM 0.3 $IP netns monitor ignored words`},

	// Names (ip-netns.md 0.2).
	{"names-invalid", `
N256=$(printf 'n%.0s' $(seq 256))
for w in '' / a/b /x x/ . .. "$N256"; do r $IP netns add "$w"; done
r $IP netns list /; r $IP netns show ..; r $IP netns exec .. true
r $IP netns identify /; r $IP netns list-id /; r $IP netns delete ..
r $IP netns pids ''; r $IP netns set . 1; r $IP netns attach / 1
r $IP netns monitor /; r $IP netns help /; r $IP netns nosuch /
ls -A /run`},
	{"names-unusual-valid", `
for n in ' sp ace' "$(printf 'nl\nx')" "$(printf 'tab\tx')" 'utf8-名前-ü' -- -lead .hidden 'zz..' ':' 'back\slash' '"q"' '...'; do
	r $IP netns add "$n"
done
r $IP netns list; r $IP -j netns list; r $IP -j -p netns list
r $IP netns exec -- echo in-dashdash
r $IP netns exec -lead echo in-lead
r $IP netns delete "$(printf 'nl\nx')"; r $IP netns delete --
r $IP netns list`},
	{"names-255-bytes", `
N=$(printf 'n%.0s' $(seq 255))
r $IP netns add "$N"
r $IP netns list
r $IP netns exec "$N" echo ran
r $IP netns set "$N" 3; r $IP netns list-id
r $IP netns delete "$N"; r $IP netns list`},
	{"names-all-skips-check", `
$IP netns add a
r $IP -all netns list /
r $IP -all netns add
r $IP -all netns add ..
r $IP -all netns exec /bin/echo absolute
r $IP -all netns identify /`},

	// list (ip-netns.md 1.1).
	{"list-missing-rundir", `
r $IP netns list; r $IP -j netns list; r $IP -j -p netns list
r $IP netns list-id; r $IP -j netns list-id; r $IP -j -p netns list-id
ls -A /run`},
	{"list-empty-rundir", `
mkdir /run/netns
r $IP netns list; r $IP -j netns list; r $IP -j -p netns list; r $IP -p netns list
r $IP netns list-id; r $IP -j netns list-id; r $IP -j -p netns list-id`},
	{"list-ids-text-json-pretty", `
for n in a b c d; do $IP netns add $n; done
$IP netns set a 0; $IP netns set c 7; $IP netns set d auto
r $IP netns list; r $IP -j netns list; r $IP -j -p netns list; r $IP -p netns list
r $IP -p -j netns show`},
	{"list-stale-entries", `
$IP netns add a; $IP netns set a 2
touch /run/netns/stale; mkdir /run/netns/dir; ln -s /nonexistent /run/netns/dangling
$IP netns add b
r $IP netns list; r $IP -j netns list; r $IP -j -p netns list
$IP netns list 2>&1 | cat`},
	{"list-other-nsfs-type", `
$IP netns add a
touch /run/netns/uts; mount --bind /proc/self/ns/uts /run/netns/uts
r $IP netns list; r $IP netns list-id
r $IP netns exec uts true; r $IP netns set uts 1; r $IP netns pids uts; r $IP netns delete uts
r $IP netns list`},
	{"list-unreadable-rundir", `
$IP netns add a; chmod 000 /run/netns
r $U $IP netns list; r $U $IP -j netns list; r $U $IP netns list-id; r $U $IP -j netns list-id
chmod 755 /run/netns`},
	{"list-ignored-words", `
$IP netns add a
r $IP netns list foo bar; r $IP netns show x y z; r $IP netns lst -j; r $IP -j netns ls extra`},
	{"list-json-escaping", `
for n in "$(printf 'q"b\\c\td')" "$(printf 'cr\rx')" "$(printf 'ff\fx')" "$(printf 'bs\bx')" \
	"$(printf 'c\001x')" "$(printf 'nl\nx')" "$(printf 'del\177x')" 'utf8-名' "single'q" '/'; do
	$IP netns add "$n" 2>/dev/null
done
$IP netns set "$(printf 'cr\rx')" 9
r $IP -j netns list; r $IP -j -p netns list; r $IP netns list
r $IP -j netns list-id; r $IP -j -p netns list-id; r $IP netns list-id`},
	{"list-stdio-interleave-pipe", `
$IP netns add zzprobe1; touch /run/netns/zzprobeStale; $IP netns add zzprobe2
$IP netns set zzprobe1 1
$IP netns list 2>&1 | cat
$IP -j netns list 2>&1 | cat
$IP netns list-id 2>&1 | cat
$IP -j netns list-id target-nsid 42 2>&1 | cat`},
	{"list-stdio-over-4k-blocks", `
mkdir /run/netns
for i in $(seq 150); do touch "/run/netns/stale-entry-with-a-long-name-$i"; done
$IP netns add a; $IP netns set a 1
$IP netns list 2>&1 | cat
$IP -j netns list 2>&1 | cat
$IP -j -p netns list 2>&1 | cat
$IP netns list-id 2>&1 | cat`},
	{"list-stdio-interleave-pty", `
$IP netns add zzprobe1; touch /run/netns/zzprobeStale; $IP netns add zzprobe2
script -qc "$IP netns list" /dev/null
script -qc "$IP -j netns list" /dev/null
script -qc "$IP netns list-id" /dev/null
script -qc "$IP netns help" /dev/null`},

	// list-id (ip-netns.md 1.2).
	{"listid-basic", `
$IP netns add a; $IP netns add b; $IP netns add c
$IP netns set a 3; $IP netns set b auto
r $IP netns list-id; r $IP -j netns list-id; r $IP -j -p netns list-id`},
	{"listid-nsid-lookup", `
$IP netns add a; $IP netns set a 3
for v in 3 0x3 03 ' 3' +3 -0 9; do r $IP netns list-id nsid "$v"; done
r $IP -j netns list-id nsid 3; r $IP -j -p netns list-id nsid 3; r $IP -j netns list-id nsid 9`},
	{"listid-target-nsid", `
$IP netns add a; $IP netns add b; $IP netns add c
$IP netns set a 3; $IP netns set b 7
$IP netns exec a $IP netns set a auto; $IP netns exec a $IP netns set b auto
r $IP netns list-id target-nsid 3
r $IP -j netns list-id target-nsid 3; r $IP -j -p netns list-id target-nsid 3
r $IP netns list-id target-nsid 3 nsid 7; r $IP netns list-id nsid 7 target-nsid 3
r $IP -j netns list-id target-nsid 3 nsid 7
r $IP netns list-id target-nsid 3 nsid 5
r $IP netns list-id target-nsid 99; r $IP -j netns list-id target-nsid 99
r $IP -j -p netns list-id target-nsid 99`},
	{"listid-argument-errors", `
$IP netns add a; $IP netns set a 1
r $IP netns list-id nsid; r $IP netns list-id target-nsid
r $IP netns list-id nsid x; r $IP netns list-id nsid 5x; r $IP netns list-id nsid 0x
r $IP netns list-id nsid 2147483648; r $IP netns list-id nsid 99999999999999999999
r $IP netns list-id nsid -1; r $IP netns list-id nsid -1 foo; r $IP netns list-id nsid -1 nsid
r $IP netns list-id target-nsid -5 nsid 1; r $IP netns list-id target-nsid -5
r $IP netns list-id nsid 1 nsid 2; r $IP netns list-id target-nsid 1 target-nsid 2
r $IP netns list-id nsid 1 nsid; r $IP netns list-id foo; r $IP netns list-id nsi 1
r $IP netns list-id nsid 1 extra; r $IP netns list-id NSID 1; r $IP netns list-id ''`},
	{"listid-unnamed-and-auto-ids", `
unshare -n sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
ip link add v0 type veth peer name v1 netns $P
$IP netns add a
ip link add v2 type veth peer name v3 netns a
r $IP netns list-id; r $IP -j netns list-id; r $IP netns list
r $IP netns list-id nsid 0
kill $P; wait $P 2>/dev/null`},
	{"listid-stale-entries", `
$IP netns add a; $IP netns set a 1; touch /run/netns/st; mkdir /run/netns/dd
$IP netns add b; $IP netns set b 0
r $IP netns list-id; r $IP -j netns list-id; r $IP netns list-id nsid 1
$IP netns list-id 2>&1 | cat`},
	{"listid-two-names-one-netns", `
$IP netns add a
$IP netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
$IP netns attach a2 $P; $IP netns set a 4
r $IP netns list; r $IP netns list-id; r $IP -j netns list-id
kill $P; wait $P 2>/dev/null`},
}
