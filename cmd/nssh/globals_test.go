package main

import (
	"strings"
	"testing"
)

func TestParseGlobals(t *testing.T) {
	g, rest, err := parseGlobals([]string{"--run-dir", "/x/run", "--state-dir=/x/state", "-v", "netns", "list"})
	if err != nil || g.cfg.RunDir != "/x/run" || g.cfg.StateDir != "/x/state" || !g.verbose ||
		strings.Join(rest, " ") != "netns list" {
		t.Fatalf("got %+v %q %v", g, rest, err)
	}
	for _, args := range [][]string{
		{"--run-dir"},  // no value
		{"--etc-dir="}, // empty value
		{"--run-dir", "/r", "--state-dir", "/r/state"}, // state inside the run dir
		{"--run-dir", "/r", "--state-dir", "/r"},       // the same dir
	} {
		if _, _, err := parseGlobals(args); err == nil {
			t.Errorf("parseGlobals(%q) accepted", args)
		}
	}
	g, rest, err = parseGlobalsAnywhere([]string{"down", "--state-dir", "/s", "lab1"})
	if err != nil || g.cfg.StateDir != "/s" || strings.Join(rest, " ") != "down lab1" {
		t.Fatalf("anywhere: got %+v %q %v", g, rest, err)
	}
}
