package main

import (
	"encoding/binary"
	"strings"
	"testing"
)

func TestCStrtol(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"42", 42, true}, {"0x1f", 31, true}, {"0X1F", 31, true},
		{"010", 8, true}, {"-5", -5, true}, {"+7", 7, true}, {" \t\n12", 12, true},
		{"-0", 0, true}, {"2147483647", 2147483647, true}, {"-2147483648", -2147483648, true},
		{"", 0, false}, {" ", 0, false}, {"x", 0, false}, {"0x", 0, false}, {"08", 0, false},
		{"12 ", 0, false}, {"1a", 0, false}, {"2147483648", 0, false}, {"-2147483649", 0, false},
		{"99999999999999999999", 0, false}, {"-99999999999999999999", 0, false}, {"+-1", 0, false},
	} {
		got, ok := ipGetInteger(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ipGetInteger(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestJSONWriterMatchesIproute2(t *testing.T) {
	render := func(pretty bool, objs [][2]string) string {
		var b strings.Builder
		j := &jsonWriter{w: &b, pretty: pretty}
		j.startArray()
		for _, o := range objs {
			j.startObject()
			j.stringField("name", o[0])
			if o[1] != "" {
				j.intField("id", len(o[1]))
			}
			j.endObject()
		}
		j.endArray()
		j.destroy()
		return b.String()
	}
	two := [][2]string{{"zzprobe1", "xxxxx"}, {"zzprobe2", ""}}
	for _, tc := range []struct {
		pretty bool
		objs   [][2]string
		want   string
	}{
		{false, nil, "[]\n"},
		{true, nil, "[ ]\n"},
		{false, two, `[{"name":"zzprobe1","id":5},{"name":"zzprobe2"}]` + "\n"},
		{true, two, "[ {\n        \"name\": \"zzprobe1\",\n        \"id\": 5\n    },{\n" +
			"        \"name\": \"zzprobe2\"\n    } ]\n"},
		{false, [][2]string{{"q\"b\\c\td\n\r\f\b\x01é", ""}}, "[{\"name\":\"q\\\"b\\\\c\\td\\n\\r\\f\\b\x01é\"}]\n"},
	} {
		if got := render(tc.pretty, tc.objs); got != tc.want {
			t.Errorf("pretty=%v %v:\n got %q\nwant %q", tc.pretty, tc.objs, got, tc.want)
		}
	}
}

func TestIsNetnsCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"netns"}, true}, {[]string{"netns", "list"}, true},
		{[]string{"-j", "-p", "netns"}, true}, {[]string{"--json", "netns"}, true},
		{[]string{"-a", "netns", "exec", "id"}, true}, {[]string{"-n", "x", "netns"}, true},
		{[]string{"-netns", "x", "-j", "netns"}, true}, {[]string{"-n"}, true},
		{[]string{"--", "netns"}, true}, {[]string{"-s", "-d", "netns"}, true},
		{[]string{"-x", "netns"}, true}, // ip's "Option ... is unknown" message
		{[]string{}, false}, {[]string{"script.lua"}, false}, {[]string{"-e", "netns"}, false},
		{[]string{"-j"}, false}, {[]string{"-n", "x"}, false}, {[]string{"-n", "x", "link"}, false},
		{[]string{"-b", "file", "netns"}, false}, {[]string{"-x", "chunk"}, false},
		{[]string{"net"}, true}, {[]string{"-j", "netn"}, true}, {[]string{"ne"}, false},
		{[]string{"netnsx"}, false}, {[]string{"-j", "lab", "list"}, false},
	} {
		if got := isNetnsCommand(tc.args); got != tc.want {
			t.Errorf("isNetnsCommand(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestNetnsDispatchOrder(t *testing.T) {
	want := map[string]string{"s": "show", "a": "add", "se": "set", "at": "attach",
		"l": "list", "ls": "lst", "list-": "list-id", "d": "delete", "i": "identify",
		"p": "pids", "e": "exec", "m": "monitor", "h": "help"}
	for word, kw := range want {
		got := ""
		for _, c := range netnsCommands {
			if ipMatches(word, c.word) {
				got = c.word
				break
			}
		}
		if got != kw {
			t.Errorf("%q dispatches to %q, want %q", word, got, kw)
		}
	}
}

func TestInotifyLines(t *testing.T) {
	ev := func(mask uint32, name string) []byte {
		padded := name + strings.Repeat("\x00", 16-len(name)%16)
		b := make([]byte, 16)
		binary.NativeEndian.PutUint32(b[4:8], mask)
		binary.NativeEndian.PutUint32(b[12:16], uint32(len(padded)))
		return append(b, padded...)
	}
	buf := append(ev(0x100, "blue"), ev(0x200, "a b")...)
	got := strings.Join(inotifyLines(buf), "")
	if got != "add blue\ndelete a b\n" {
		t.Errorf("inotifyLines = %q", got)
	}
}
