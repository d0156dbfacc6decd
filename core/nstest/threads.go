package nstest

import (
	"fmt"
	"os"
	"strings"
)

// ThreadAudit lists the threads of this process whose network or mount
// namespace differs from the process's (the main thread's at start-up, as
// given by home). An empty result means no thread was left behind.
func ThreadAudit(home ThreadNamespaces) ([]string, error) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, t := range tasks {
		ns, err := readThreadNamespaces("/proc/self/task/" + t.Name())
		if err != nil {
			continue // the thread exited meanwhile
		}
		if ns != home {
			bad = append(bad, fmt.Sprintf("task %s: net=%s mnt=%s", t.Name(), ns.Net, ns.Mnt))
		}
	}
	return bad, nil
}

// ThreadNamespaces identifies the net and mount namespaces of a task by
// their readlink text ("net:[4026531840]").
type ThreadNamespaces struct{ Net, Mnt string }

// HomeNamespaces returns the namespaces of the main thread.
func HomeNamespaces() (ThreadNamespaces, error) {
	return readThreadNamespaces(fmt.Sprintf("/proc/self/task/%d", os.Getpid()))
}

func readThreadNamespaces(dir string) (ThreadNamespaces, error) {
	net, err := os.Readlink(dir + "/ns/net")
	if err != nil {
		return ThreadNamespaces{}, err
	}
	mnt, err := os.Readlink(dir + "/ns/mnt")
	if err != nil {
		return ThreadNamespaces{}, err
	}
	return ThreadNamespaces{Net: strings.TrimSpace(net), Mnt: strings.TrimSpace(mnt)}, nil
}
