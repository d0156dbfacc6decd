package main

import (
	"errors"
	"reflect"
	"testing"
)

func TestCompleter(t *testing.T) {
	c := &completer{names: func() ([]string, error) {
		return []string{"blue", "black", "red"}, nil
	}}
	c.vocab.Store(&vocabulary{
		globals: []string{"netns", "next", "print"},
		fields:  map[string][]string{"netns": {"add", "attach", "del"}},
		methods: []string{"del", "exec", "pids"},
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
