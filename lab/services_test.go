package lab_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nssh/nssh/lab"
)

func svcSpec(t *testing.T, svc lab.Service) lab.Spec {
	spec := demo(t)
	spec.Nodes["h1"] = lab.Node{Services: map[string]lab.Service{"s": svc}}
	return spec
}

func changeTexts(ch []lab.Change) string {
	var out []string
	for _, c := range ch {
		out = append(out, c.String())
	}
	return strings.Join(out, "; ")
}

// TestServiceReadyFunctionAndRestart: a ready function is polled with the
// node's name; a changed command restarts the service; down stops it.
func TestServiceReadyFunctionAndRestart(t *testing.T) {
	var calls []string
	ready := lab.Ready{Func: func(node string) (bool, error) {
		calls = append(calls, node)
		return len(calls) >= 2, nil
	}}
	spec := svcSpec(t, lab.Service{Cmd: []string{"sleep", "100"}, Ready: ready})
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0] != "h1" {
		t.Fatalf("ready calls = %q", calls)
	}
	list, err := l.Services()
	if err != nil || len(list) != 1 || list[0].State != "running" || list[0].Pid == 0 {
		t.Fatalf("services = %+v, %v", list, err)
	}
	old := list[0].Pid
	spec.Nodes["h1"] = lab.Node{Services: map[string]lab.Service{"s": {Cmd: []string{"sleep", "200"}}}}
	l2, err := lab.New(cfg(), spec, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := l2.Up(context.Background())
	want := "set service " + lab.Netns(spec.Name, "h1") + ":s restart: command changed"
	if err != nil || changeTexts(ch) != want {
		t.Fatalf("up with a new command = %q, %v; want %q", changeTexts(ch), err, want)
	}
	if procAlive(old) {
		t.Fatalf("old service %d still runs", old)
	}
	list, _ = l2.Services()
	ch, err = l2.Down(context.Background())
	if err != nil || !strings.HasPrefix(changeTexts(ch), "del service "+lab.Netns(spec.Name, "h1")+":s") {
		t.Fatalf("down = %q, %v", changeTexts(ch), err)
	}
	if procAlive(list[0].Pid) {
		t.Fatalf("service %d runs after down", list[0].Pid)
	}
}

// TestServiceNotReady: a service that exits first fails up with
// ErrServiceExited and the end of its log; one that never prints its
// pattern fails with ErrNotReady once its timeout passed, and is stopped.
func TestServiceNotReady(t *testing.T) {
	spec := svcSpec(t, lab.Service{Cmd: []string{"sh", "-c", "echo config broken >&2; exit 3"}})
	l := newLab(t, spec)
	_, err := l.Up(context.Background())
	if !errors.Is(err, lab.ErrServiceExited) || !strings.Contains(err.Error(), "status 3") ||
		!strings.Contains(err.Error(), "config broken") {
		t.Fatalf("up: %v", err)
	}
	if _, err := l.Down(context.Background()); err != nil {
		t.Fatal(err)
	}

	spec = svcSpec(t, lab.Service{Cmd: []string{"sh", "-c", "echo starting; exec sleep 100"},
		Ready: lab.Ready{Pattern: "started", Match: func(s string) bool { return strings.Contains(s, "started") },
			Timeout: 300 * time.Millisecond}})
	l = newLab(t, spec)
	_, err = l.Up(context.Background())
	if !errors.Is(err, lab.ErrNotReady) || !strings.Contains(err.Error(), "starting") {
		t.Fatalf("up: %v", err)
	}
	if list, _ := l.Services(); len(list) != 1 || list[0].State != "stopped" {
		t.Fatalf("a service that did not get ready is stopped: %+v", list)
	}
	if text, err := l.Logs("h1", "s"); err != nil || text != "starting\n" {
		t.Fatalf("logs = %q, %v", text, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// procAlive reports whether pid runs (a zombie does not).
func procAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// TestServiceOfDeletedNamespaceIsReplaced: when a node's namespace was
// deleted by hand while its service ran, up makes the namespace anew and
// replaces the service (the old process, in the old namespace, is stopped).
func TestServiceOfDeletedNamespaceIsReplaced(t *testing.T) {
	spec := svcSpec(t, lab.Service{Cmd: []string{"sleep", "100"}})
	l := newLab(t, spec)
	if _, err := l.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	list, _ := l.Services()
	ip(t, "netns", "del", lab.Netns(spec.Name, "h1"))
	ch, err := l.Up(context.Background())
	if err != nil || !strings.Contains(changeTexts(ch), "set service "+lab.Netns(spec.Name, "h1")+":s restart: namespace made anew") {
		t.Fatalf("up = %q, %v", changeTexts(ch), err)
	}
	if procAlive(list[0].Pid) {
		t.Fatalf("the service in the deleted namespace (pid %d) still runs", list[0].Pid)
	}
}
