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

func TestParseGlobalsSandbox(t *testing.T) {
	for _, tt := range []struct {
		args []string
		mode sandboxMode
		dirs bool
	}{
		{[]string{"-e", ""}, sandboxAuto, false},
		{[]string{"--rootless", "-v", "--rootless", "-e", ""}, sandboxForce, false},
		{[]string{"--no-sandbox", "x.lua"}, sandboxRefuse, false},
		{[]string{"--etc-dir", "/e", "--rootless", "x.lua"}, sandboxForce, true},
	} {
		g, rest, err := parseGlobals(tt.args)
		if err != nil || g.sandbox != tt.mode || g.dirsGiven != tt.dirs || len(rest) == 0 || strings.HasPrefix(rest[0], "--") {
			t.Errorf("parseGlobals(%q) = %+v %q %v", tt.args, g, rest, err)
		}
	}
	if _, _, err := parseGlobals([]string{"--rootless", "--no-sandbox"}); err == nil {
		t.Error("--rootless --no-sandbox accepted")
	}
}
