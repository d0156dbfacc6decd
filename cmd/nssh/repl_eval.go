package main

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// errIncomplete means the chunk needs more lines.
var errIncomplete = errors.New("incomplete chunk")

// handleInput handles what readline returned: one typed line, or a
// recalled history entry, which holds the lines of a chunk.
func (r *repl) handleInput(text string) {
	for _, line := range strings.Split(text, historyNewline) {
		r.handleLine(line)
		if r.quit {
			return
		}
	}
}

// handleLine adds a typed line to the pending chunk and runs the chunk
// once it is complete. The chunk becomes one history entry.
func (r *repl) handleLine(line string) {
	typed := line
	if len(r.chunk) == 0 {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			return
		}
		if strings.HasPrefix(trimmed, ".") {
			r.hist.add([]string{trimmed})
			r.dotCommand(trimmed)
			return
		}
		if strings.HasPrefix(trimmed, "=") { // Lua 5.1 shorthand: =expr
			line = "return " + trimmed[1:]
		}
	}
	r.chunk = append(r.chunk, line)
	r.typed = append(r.typed, typed)
	chunk := strings.Join(r.chunk, "\n")
	fn, err := r.compile(chunk)
	if err == errIncomplete {
		return
	}
	r.hist.add(r.typed)
	r.chunk, r.typed = nil, nil
	if err != nil {
		fmt.Fprintln(r.stderr, syntaxText("stdin", err, lineCount([]byte(chunk))))
		return
	}
	r.eval(fn)
}

// compile loads "return CHUNK" when that parses (so an expression's value
// is printed), else CHUNK. A chunk that ends too early in both forms is
// incomplete.
func (r *repl) compile(chunk string) (*lua.LFunction, error) {
	L := r.s.L
	fn, rerr := L.Load(strings.NewReader("return "+chunk), "stdin")
	if rerr == nil {
		return fn, nil
	}
	fn, err := L.Load(strings.NewReader(chunk), "stdin")
	if err == nil {
		return fn, nil
	}
	if incomplete(err) || incomplete(rerr) {
		return nil, errIncomplete
	}
	return nil, err
}

// eval runs fn and prints its values, or the error it raised.
func (r *repl) eval(fn *lua.LFunction) {
	var err error
	interrupted := r.run(false, func() {
		var vals []lua.LValue
		vals, err = r.s.pcall(fn)
		if err != nil || len(vals) == 0 {
			return
		}
		// Printing may call __tostring: keep it protected and interruptible.
		_, err = r.s.pcall(r.s.L.NewFunction(func(L *lua.LState) int {
			fmt.Fprintln(r.stdout, formatResults(L, vals))
			return 0
		}))
	})
	switch {
	case err != nil && interrupted:
		fmt.Fprintln(r.stderr, "interrupted")
	case err != nil:
		reportFailure(r.g, err, r.stderr)
	}
}

// dotCommand runs a REPL command: .help [NAME], .exit.
func (r *repl) dotCommand(line string) {
	fields := strings.Fields(line)
	switch fields[0] {
	case ".help":
		name := ""
		if len(fields) > 1 {
			name = fields[1]
		}
		text, ok := helpText(name)
		if !ok {
			fmt.Fprintf(r.stderr, "no help for %s (try .help)\n", name)
			return
		}
		fmt.Fprintln(r.stdout, strings.TrimRight(text, "\n"))
	case ".exit":
		r.quit = true
	default:
		fmt.Fprintf(r.stderr, "unknown command %s (try .help)\n", fields[0])
	}
}
