package tests

import (
	"strings"
	"testing"
)

// TestCLIRefusesDirsOthersCanWrite checks that nssh refuses a run dir, etc
// dir or state dir that other users could change, names the path and the
// fix, and changes nothing; and that a state dir reached through a symlink
// into the run dir counts as inside it. `netns exec` with the directories
// in the environment (the fast path of cmd/nssh/internal/fastexec) too.
func TestCLIRefusesDirsOthersCanWrite(t *testing.T) {
	requireOracle(t)
	script := `
mkdir -m 777 /run/w/ww; mkdir -m 1777 /run/w/tmp; mkdir /run/w/tmp/ok
r $NSSH --run-dir /run/w/ww netns add a; ls -A /run/w/ww
r $NSSH --etc-dir /run/w/ww netns list
NSSH_STATE_DIR=/run/w/ww r $NSSH lab list
r $NSSH lab list --state-dir /run/w/ww
r $NSSH --run-dir /run/w/tmp/ok netns add a; ls -A /run/w/tmp/ok; $NSSH --run-dir /run/w/tmp/ok netns del a
mkdir /run/w/open; chmod 757 /run/w/open; mkdir /run/w/open/rd
r $NSSH --run-dir /run/w/open/rd netns list
mkdir -p /run/netns; ln -s /run/netns /run/w/alias
r $NSSH --state-dir /run/w/alias/state lab list
r $NSSH --run-dir /run/w/alias --state-dir /run/netns/s lab list
$NSSH netns add x
NSSH_ETC_DIR=/run/w/ww r $NSSH netns exec x echo ran
NSSH_STATE_DIR=/run/w/open/rd r $NSSH netns exec x echo ran
NSSH_STATE_DIR=/run/netns/st r $NSSH netns exec x echo ran
NSSH_STATE_DIR=/run/w/alias/st r $NSSH netns exec x echo ran
NSSH_RUN_DIR=/run/w/alias r $NSSH netns exec x echo ran-via-link
$NSSH netns del x
echo '-- nothing made'; ls -A /run/netns /run/w/ww`
	got := cliRun(t, nssh(t), script)
	want := cliResult{
		stdout: "rc=1\n" + "rc=1\n" + "rc=1\n" + "rc=1\n" + "rc=0\n" + "a\n" + "rc=1\n" + "rc=2\n" + "rc=2\n" +
			"rc=1\n" + "rc=1\n" + "rc=2\n" + "rc=2\n" + "ran-via-link\nrc=0\n" + "-- nothing made\n/run/netns:\n\n/run/w/ww:\n",
		stderr: "nssh: run dir /run/w/ww is writable by other users (mode 0777): refusing to use it; fix: chmod go-w /run/w/ww\n" +
			"nssh: etc dir /run/w/ww is writable by other users (mode 0777): refusing to use it; fix: chmod go-w /run/w/ww\n" +
			"nssh: state dir /run/w/ww is writable by other users (mode 0777): refusing to use it; fix: chmod go-w /run/w/ww\n" +
			"nssh: state dir /run/w/ww is writable by other users (mode 0777): refusing to use it; fix: chmod go-w /run/w/ww\n" +
			"nssh: /run/w/open (above run dir /run/w/open/rd) is writable by other users (mode 0757): refusing to use it; fix: chmod go-w /run/w/open\n" +
			"nssh: the state dir /run/w/alias/state must not be inside the run dir /run/netns\nTry 'nssh --help'.\n" +
			"nssh: the state dir /run/netns/s must not be inside the run dir /run/w/alias\nTry 'nssh --help'.\n" +
			"nssh: etc dir /run/w/ww is writable by other users (mode 0777): refusing to use it; fix: chmod go-w /run/w/ww\n" +
			"nssh: /run/w/open (above state dir /run/w/open/rd) is writable by other users (mode 0757): refusing to use it; fix: chmod go-w /run/w/open\n" +
			"nssh: the state dir /run/netns/st must not be inside the run dir /run/netns\nTry 'nssh --help'.\n" +
			"nssh: the state dir /run/w/alias/st must not be inside the run dir /run/netns\nTry 'nssh --help'.\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("unsafe directories (-want +got):\n%s", diff)
	}
}

// TestCLIDeleteOnlyNamespacesAndPlaceholders checks that nssh, pointed at
// a directory that is not a run dir, deletes nothing but namespaces and
// placeholders, and does not make it a mount point.
func TestCLIDeleteOnlyNamespacesAndPlaceholders(t *testing.T) {
	requireOracle(t)
	script := `
mkdir /run/w/x; echo data > /run/w/x/passwd; ln -s /run/w/x/passwd /run/w/x/ln; mkfifo /run/w/x/fifo
: > /run/w/x/empty; : > /run/w/x/ph; chmod 000 /run/w/x/ph
r $NSSH --run-dir /run/w/x netns del passwd
r $NSSH --run-dir /run/w/x netns del ln
r $NSSH --run-dir /run/w/x netns del ph
NSSH_RUN_DIR=/run/w/x r $NSSH -all netns del 2>&1 | sort
mkdir /run/w/y; mkdir /run/w/y/dir; r $NSSH --run-dir /run/w/y netns add a
ls /run/w/x /run/w/y; cat /run/w/x/passwd; grep -c /run/w/ /proc/self/mountinfo
echo '-- a namespace under a stacked mount of a file'
$NSSH netns add a; touch /run/w/f; mount --bind /run/w/f /run/netns/a
r $NSSH netns del a; umount /run/netns/a; r $NSSH netns del a; ls -A /run/netns`
	got := cliRun(t, nssh(t), script)
	refused := func(p, what string) string {
		return "Cannot remove namespace file \"" + p + "\": it is " + what +
			", not a network namespace or a placeholder (refused; remove it by hand if it is not needed)\n"
	}
	want := cliResult{
		stdout: "rc=1\n" + "rc=1\n" + "rc=0\n" +
			refused("/run/w/x/empty", "an empty file of mode 0644 (a placeholder has mode 0000)") +
			refused("/run/w/x/fifo", "a special file") +
			refused("/run/w/x/ln", "a symbolic link") +
			refused("/run/w/x/passwd", "a regular file with data") +
			"rc=1\n" + "rc=1\n" +
			"/run/w/x:\nempty\nfifo\nln\npasswd\n\n/run/w/y:\ndir\n" + "data\n" + "0\n" +
			"-- a namespace under a stacked mount of a file\n" + "rc=1\n" + "rc=0\n",
		stderr: refused("/run/w/x/passwd", "a regular file with data") +
			refused("/run/w/x/ln", "a symbolic link") +
			"/run/w/y is not a netns run dir (\"dir\" in it is a directory): refusing to make it a mount point; choose an empty or new directory\n" +
			refused("/run/netns/a", "a mount point of another file"),
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("delete in a directory that is not a run dir (-want +got):\n%s", diff)
	}
}

// TestCLIStalePlaceholders kills `nssh netns add` at random points; then
// gc removes the placeholders left (once older than 5 s, never younger
// ones), and add reuses a stale placeholder's name.
func TestCLIStalePlaceholders(t *testing.T) {
	requireOracle(t)
	script := `
mkdir /run/netns
i=0; while [ $i -lt 200 ]; do
	$NSSH netns add k$((i % 10)) 2>/dev/null & P=$!
	sleep 0.00$(( (i * 7919) % 9 )); kill -9 $P 2>/dev/null; wait $P 2>/dev/null
	i=$((i + 1))
done
: > /run/netns/hand; chmod 000 /run/netns/hand
r $NSSH netns add hand
sleep 5.2
: > /run/netns/young; chmod 000 /run/netns/young
$NSSH gc | grep -c 'removed placeholder' >/dev/null; echo gc=$?
r $NSSH netns add young; [ -e /run/netns/hand ] || echo hand removed
for n in $(ls /run/netns); do [ "$n" = young ] || $IP netns exec $n true || echo "$n is not a namespace"; done
: > /run/netns/old; chmod 000 /run/netns/old; touch -d '1 hour ago' /run/netns/old
sleep 5.2
r $NSSH netns add old
r $NSSH netns add young
$IP netns exec old true && $IP netns exec young true && echo reused
$NSSH -all netns del; ls -A /run/netns`
	got := cliRun(t, "ip", script)
	want := cliResult{
		stdout: "rc=1\n" + "gc=0\n" + "rc=1\n" + "hand removed\n" + "rc=0\n" + "rc=0\n" + "reused\n",
		stderr: "Cannot create namespace file \"/run/netns/hand\": File exists\n" +
			"Cannot create namespace file \"/run/netns/young\": File exists\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("stale placeholders (-want +got):\n%s", diff)
	}
}

// TestCLILabCorruptStateAndPermissions checks that a corrupt state file is
// a warning in `lab list` and `gc` (exit 0, the lab skipped), that `lab
// down NAME` still removes that lab by its markers, and that without
// CAP_SYS_ADMIN `lab down` says once what failed and what it needs, also
// when it cannot read the state file, and then removes nothing.
func TestCLILabCorruptStateAndPermissions(t *testing.T) {
	requireOracle(t)
	script := `
export NSSH_STATE_DIR=/run/nssh
$NSSH -e 'netns.lab{ name = "cs", nodes = { h1 = {}, h2 = {} } }:up()' || echo up failed
$NSSH -e 'netns.lab{ name = "ok", nodes = { h1 = {} } }:up()' || echo up failed
$U $NSSH lab down ok 2>&1
echo '{broken' > /run/nssh/labs/cs.json
$U $NSSH lab down cs 2>&1; ls /run/nssh/labs
r $NSSH lab list | cut -c1-9
r $NSSH gc
r $NSSH lab down cs
r $NSSH lab down ok
ls -A /run/netns; ls -A /run/nssh 2>&1; true`
	got := cliRun(t, nssh(t), script)
	want := cliResult{
		stdout: "nssh: lab ok: netns netlink ok-h1: enter namespace: operation not permitted (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)\n" +
			"nssh: lab cs: netns netlink cs-h1: enter namespace: operation not permitted (needs CAP_SYS_ADMIN and CAP_NET_ADMIN)\n" +
			"cs.json\nok.json\n" +
			"NAME  STA\nok    up \nrc=0\n" + "rc=0\n" +
			"del netns cs-h1\ndel netns cs-h2\nrc=0\n" + "del netns ok-h1\nrc=0\n" +
			"ls: cannot access '/run/nssh': No such file or directory\n",
		stderr: "nssh: lab list: warning: state of lab cs: unreadable (invalid character 'b' looking for beginning of object key string): skipped ('nssh lab down cs' removes the lab)\n" +
			"nssh: gc: warning: state of lab cs: unreadable (invalid character 'b' looking for beginning of object key string): skipped ('nssh lab down cs' removes the lab)\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("corrupt state and permissions (-want +got):\n%s", diff)
	}
}

// TestHelpListsRefusedDirs: refusing a directory other users can write is
// a difference from ip in netns mode (ip uses a 1777 /run/netns), so
// --help lists it among the deliberate differences, as nssh.md §3 asks.
func TestHelpListsRefusedDirs(t *testing.T) {
	out, _, code := runNssh(t, "", "--help")
	_, diffs, ok := strings.Cut(out, "Deliberate differences from ip 6.1")
	if code != 0 || !ok {
		t.Fatalf("nssh --help: exit %d, no list of deliberate differences:\n%s", code, out)
	}
	if want := "a run, etc or state dir that other users can write"; !strings.Contains(diffs, want) {
		t.Errorf("the deliberate differences of --help do not mention %q:\n%s", want, diffs)
	}
}
