package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// luaFailure is an uncaught error as the user sees it: the message line
// and, for -v, a traceback.
type luaFailure struct {
	Text      string
	Traceback string
}

func (f *luaFailure) Error() string { return f.Text }

// pcall calls fn with args on the session's LState, protected, and returns
// its results. A Lua error comes back as a *luaFailure whose text has the
// "FILE:LINE:" of the place it was raised, also for error values that are
// not strings (nssh's structured errors).
func (s *luaSession) pcall(fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	L := s.L
	var fail luaFailure
	handler := L.NewFunction(func(L *lua.LState) int {
		obj := L.Get(1)
		fail.Text = errorText(L, obj, raisedAt(L))
		fail.Traceback = traceback(L)
		L.Push(obj)
		return 1
	})
	base := L.GetTop()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, handler); err != nil {
		L.SetTop(base)
		if fail.Text == "" { // the handler itself failed
			fail.Text = err.Error()
		}
		return nil, &fail
	}
	n := L.GetTop() - base
	rets := make([]lua.LValue, n)
	for i := range n {
		rets[i] = L.Get(base + 1 + i)
	}
	L.SetTop(base)
	return rets, nil
}

// raisedAt is "FILE:LINE: " of the innermost Lua function on the stack of
// a running error handler ("" when there is none).
func raisedAt(L *lua.LState) string {
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return ""
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			continue
		}
		if dbg.What != "G" && dbg.CurrentLine > 0 {
			return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
		}
	}
}

// traceback lists the Lua call stack of a running error handler, like
// debug.traceback.
func traceback(L *lua.LState) string {
	var b strings.Builder
	b.WriteString("stack traceback:")
	for level := 1; level < 64; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sln", dbg, lua.LNil); err != nil {
			continue
		}
		switch {
		case dbg.What == "G":
			fmt.Fprintf(&b, "\n\t[G]: in function '%s'", orUnknown(dbg.Name))
		case dbg.What == "main":
			fmt.Fprintf(&b, "\n\t%s:%d: in main chunk", dbg.Source, dbg.CurrentLine)
		default:
			fmt.Fprintf(&b, "\n\t%s:%d: in function '%s'", dbg.Source, dbg.CurrentLine, orUnknown(dbg.Name))
		}
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// syntaxText renders a parse error as "CHUNK:LINE: message near 'token'",
// the shape of every other Lua error. lines is the chunk's line count, used
// for errors at the end of input.
func syntaxText(chunk string, err error, lines int) string {
	var pe *parse.Error
	var ae *lua.ApiError
	if errors.As(err, &ae) && ae.Cause != nil {
		err = ae.Cause
	}
	if !errors.As(err, &pe) {
		return fmt.Sprintf("%s: %s", chunk, strings.TrimSpace(err.Error()))
	}
	if pe.Pos.Line == parse.EOF {
		return fmt.Sprintf("%s:%d: %s near <eof>", chunk, lines, pe.Message)
	}
	return fmt.Sprintf("%s:%d: %s near '%s'", chunk, pe.Pos.Line, pe.Message, pe.Token)
}

// incomplete reports whether err says the chunk ended too early (more
// lines could complete it). An unterminated short string is a real error,
// as in C Lua: a string literal cannot span lines.
func incomplete(err error) bool {
	var ae *lua.ApiError
	if errors.As(err, &ae) && ae.Cause != nil {
		err = ae.Cause
	}
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Pos.Line == parse.EOF && pe.Message != "unterminated string"
}

// lineCount is the number of lines of src (a final newline ends the last
// line rather than starting a new one).
func lineCount(src []byte) int {
	return bytes.Count(bytes.TrimRight(src, "\n"), []byte("\n")) + 1
}
