package tests

import "testing"

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
