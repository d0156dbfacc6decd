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

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{
		"0": 0, "off": 0, "OFF": 0, "1048576": 1 << 20, "512M": 512 << 20, "2G": 2 << 30, "2g": 2 << 30,
		"64MiB": 64 << 20, "64MB": 64 << 20, "1.5G": 3 << 29, "100K": 100 << 10, "1T": 1 << 40,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "M", "12X", "-1", "+5", "1e9", "0x10", "0.5", "NaN", "Inf", "1 G", "9999999999T"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
	g, rest, err := parseGlobals([]string{"--mem-limit", "256M", "--mem-limit=1G", "x.lua"})
	if err != nil || g.memLimit != 1<<30 || !g.memLimitGiven || len(rest) != 1 {
		t.Errorf("--mem-limit: got %+v %q %v", g, rest, err)
	}
}
