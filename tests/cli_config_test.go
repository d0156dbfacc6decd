package tests

import "testing"

// TestCLIRunDirInMessages checks that the netns mode uses the configured
// run dir (--run-dir or NSSH_RUN_DIR) and prints it verbatim, as ip prints
// its compiled-in /run/netns, and that a command run by exec does not see
// the NSSH_* variables nssh sets for its own re-executions.
func TestCLIRunDirInMessages(t *testing.T) {
	requireOracle(t)
	script := `
unset NSSH_RUN_DIR NSSH_ETC_DIR NSSH_STATE_DIR
r $NSSH --run-dir /run/w/rd netns delete nope
NSSH_RUN_DIR=/run/w/rd2 $NSSH netns add a; echo "rc=$?"
ls -A /run/w/rd2; r $NSSH --run-dir=/run/w/rd2 netns list
r $NSSH --run-dir /run/w/rd2 netns exec a sh -c 'env | grep -cE "^NSSH_(RUN|ETC|STATE)_DIR="'
r $NSSH --run-dir /run/w/rd2 -n a netns identify
r $NSSH --run-dir /run/w/rd2 -n a netns exec a sh -c 'env | grep -cE "^NSSH_(RUN|ETC|STATE)_DIR="'
touch /run/w/f; r $NSSH --run-dir /run/w/f/x netns add a
r $NSSH --run-dir /run/w/rd2 netns add a
r $NSSH --run-dir /run/w/rd2 -all netns delete; ls -A /run/w/rd2
ls -A /run`
	got := cliRun(t, nssh(t), script)
	want := cliResult{
		stdout: "rc=1\n" + "rc=0\n" + "a\n" + "a\nrc=0\n" + "0\nrc=1\n" + "a\nrc=0\n" + "0\nrc=1\n" +
			"rc=1\n" + "rc=1\n" + "rc=0\n" + "w\n",
		stderr: "Cannot remove namespace file \"/run/w/rd/nope\": No such file or directory\n" +
			"mkdir /run/w/f/x failed: Not a directory\n" +
			"Cannot create namespace file \"/run/w/rd2/a\": File exists\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("nssh with a custom run dir (-want +got):\n%s", diff)
	}
}
