package tests

import "testing"

// TestCLIInterop checks, with literal expected output, that namespaces made
// by ip are fully usable by nssh and the other way round (the differential
// scenarios interop-* compare the mixed runs with pure ip runs as well).
func TestCLIInterop(t *testing.T) {
	requireOracle(t)
	script := `
ip netns add a; ip netns set a 5
$NSSH netns list
$NSSH netns exec a $NSSH netns identify
$NSSH netns exec a sh -c 'ip -o link | cut -d" " -f2'
ip netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
[ "$($NSSH netns pids a)" = "$P" ] && echo nssh-pids-match
kill $P; wait $P 2>/dev/null
r $NSSH netns set a 6
$NSSH netns add b
ip netns list
ip netns exec b ip netns identify
ip netns set b 7
$NSSH netns list-id
ip netns list-id
$NSSH netns exec b sh -c 'touch /run/w/ready2; exec sleep 1000' & P=$!
waitfile /run/w/ready2
[ "$(ip netns pids b)" = "$P" ] && echo ip-pids-match
ip netns identify $P
kill $P; wait $P 2>/dev/null
r ip netns delete a; r $NSSH netns delete b
r ip netns list; r $NSSH netns list`
	got := cliRun(t, nssh(t), script)
	want := cliResult{
		stdout: "a (id: 5)\n" + "a\n" + "lo:\n" + "nssh-pids-match\n" + "rc=2\n" +
			"b\na (id: 5)\n" + "b\n" +
			"nsid 5 (iproute2 netns name: a)\nnsid 7 (iproute2 netns name: b)\n" +
			"nsid 5 (iproute2 netns name: a)\nnsid 7 (iproute2 netns name: b)\n" +
			"ip-pids-match\n" + "b\n" +
			"rc=0\nrc=0\nrc=0\nrc=0\n",
		stderr: "Error: Peer netns already has a nsid assigned.\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("interop (-want +got):\n%s", diff)
	}
}
