package main

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/luabind"
)

func TestCompleter(t *testing.T) {
	c := &completer{names: func() ([]string, error) {
		return []string{"blue", "black", "red"}, nil
	}}
	c.vocab.Store(&vocabulary{
		globals: []string{"netns", "next", "print"},
		members: map[string]members{
			"netns": {fields: []string{"add", "attach", "del"}, methods: []string{"add", "attach", "del"}},
			"ns":    {fields: []string{"name"}, methods: []string{"del", "exec", "pids"}},
			"lab":   {fields: []string{"name"}, methods: []string{"check", "down", "up"}},
		},
		anyMethods: []string{"del", "down", "exec", "pids", "up"},
	})
	tests := []struct {
		line    string
		want    []string
		wantLen int
	}{
		{`ne`, []string{"tns", "xt"}, 2},
		{`x = netns.a`, []string{"dd", "ttach"}, 1},
		{`netns.`, []string{"add", "attach", "del"}, 0},
		{`ns:e`, []string{"xec"}, 1},
		{`ns:`, []string{"del", "exec", "pids"}, 0}, // not name: a field
		{`ns.`, []string{"name"}, 0},
		{`lab:`, []string{"check", "down", "up"}, 0},
		{`for _, x in ipairs(l) do x:d`, []string{"el", "own"}, 1}, // x unknown
		{`x.y:e`, []string{"xec"}, 1},
		{`netns.get("bl`, []string{"ue", "ack"}, 2},
		{`netns.get('r`, []string{"ed"}, 1},
		{`netns.get("`, []string{"blue", "black", "red"}, 0},
		{`print("a") netns.get("re`, []string{"d"}, 2},
		{`print("a\"b`, nil, 4},  // inside a string: no name starts with a"b
		{`x = 1 -- "bl`, nil, 0}, // a comment is not a string
		{`unknown.fi`, nil, 2},   // no such table
		{`string.x`, nil, 1},
	}
	for _, tt := range tests {
		got, n := c.Do([]rune(tt.line), len([]rune(tt.line)))
		var gotS []string
		for _, g := range got {
			gotS = append(gotS, string(g))
		}
		if !reflect.DeepEqual(gotS, tt.want) || (len(tt.want) > 0 && n != tt.wantLen) {
			t.Errorf("Do(%q) = %q, %d; want %q, %d", tt.line, gotS, n, tt.want, tt.wantLen)
		}
	}
}

func TestCompleterNamesError(t *testing.T) {
	c := &completer{names: func() ([]string, error) { return nil, errors.New("no run dir") }}
	if got, _ := c.Do([]rune(`netns.get("`), 11); got != nil {
		t.Errorf("got %q, want no candidates", got)
	}
	// No vocabulary yet: nothing, and no panic.
	if got, _ := c.Do([]rune(`ne`), 2); got != nil {
		t.Errorf("got %q, want no candidates", got)
	}
}

// TestSnapshotVocabulary: members follow the value's type.
func TestSnapshotVocabulary(t *testing.T) {
	L := luabind.NewState()
	defer L.Close()
	b := luabind.New(core.Config{RunDir: t.TempDir(), EtcDir: t.TempDir(), StateDir: t.TempDir()}, nil, nil)
	defer b.Close()
	b.Open(L)
	if err := L.DoString(`lab = netns.lab{name = "vocab", nodes = {h1 = {}}}
		s = "text"
		t = setmetatable({a = 1, f = function() end}, {__index = {g = print}})`); err != nil {
		t.Fatal(err)
	}
	v := snapshotVocabulary(L)
	for _, tt := range []struct {
		got, want []string
		what      string
	}{
		{v.members["lab"].fields, []string{"name"}, "lab fields"},
		{v.members["t"].fields, []string{"a", "f", "g"}, "table fields"},
		{v.members["t"].methods, []string{"f", "g"}, "table methods"},
	} {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.what, tt.got, tt.want)
		}
	}
	labMethods := v.members["lab"].methods
	for _, want := range []string{"check", "dot", "down", "plan", "up"} {
		if !slices.Contains(labMethods, want) {
			t.Errorf("lab methods lack %s: %q", want, labMethods)
		}
	}
	if slices.Contains(labMethods, "name") || slices.Contains(labMethods, "addr_add") {
		t.Errorf("lab methods offer a field or a Namespace method: %q", labMethods)
	}
	if !slices.Contains(v.members["s"].methods, "upper") {
		t.Errorf("string methods: %q", v.members["s"].methods)
	}
	for _, want := range []string{"exec", "pids", "up", "down", "expect", "kill", "alive"} { // namespace, lab, proc
		if !slices.Contains(v.anyMethods, want) {
			t.Errorf("anyMethods lacks %s: %q", want, v.anyMethods)
		}
	}
	if slices.Contains(v.anyMethods, "name") {
		t.Errorf("anyMethods offers the field name: %q", v.anyMethods)
	}
}
