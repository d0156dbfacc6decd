package main

import (
	"fmt"
	"strings"

	"github.com/nssh/nssh/luabind"
)

// banner is the REPL's first line.
func banner() string {
	return fmt.Sprintf("nssh %s: Lua for network namespaces. .help for help, Ctrl-D to exit.", version)
}

// replCommands are the REPL's own commands, for .help and .help NAME.
var replCommands = []struct{ name, usage, text string }{
	{".help", ".help [NAME]", "this text; with NAME, the reference entry of NAME\n" +
		"(netns.add, ns:exec, lab:up, help, errors) or of a REPL command (.exit)."},
	{".exit", ".exit", "leaves nssh, like Ctrl-D on an empty line: watchers and\n" +
		"children stop, temp labs are removed, the terminal is restored."},
	{"=", "=EXPR", "prints the value of EXPR (the Lua 5.1 shorthand for return EXPR;\n" +
		"a bare expression is printed too)."},
}

// replKeys describes the keys of the prompt.
const replKeys = `Keys:
  Enter         run the line; an incomplete chunk goes on at "...> "
  Tab           complete: globals, fields after ".", methods after ":"
                (by the value's type), namespace names inside a string
  Up, Down      history; a multi-line chunk is one entry, its line breaks
                shown as ` + historyNewline + `
  Ctrl-R        search the history
  Ctrl-C        clear the line or the pending chunk; stop a running chunk
                or command (a pcall catches it as an ECANCELED error)
  Ctrl-D        exit on an empty line, else delete the character
  Ctrl-Z        suspend nssh when a shell with job control started it
  Ctrl-A Ctrl-E Ctrl-B Ctrl-F Ctrl-W Ctrl-K Ctrl-U Ctrl-Y Ctrl-T Ctrl-L
                line editing as in readline (Home, End, arrows too)
Events no handler takes print as "[event] add NAME" between prompts.`

// replHelp is the text of .help without a name: the REPL's commands and
// keys, then the Lua reference index.
func replHelp() string {
	var sb strings.Builder
	sb.WriteString("REPL commands:\n")
	for _, c := range replCommands {
		fmt.Fprintf(&sb, "  %-13s %s\n", c.usage, strings.SplitN(c.text, "\n", 2)[0])
	}
	sb.WriteString(replKeys + "\n\n")
	index, _ := luabind.Help("")
	sb.WriteString(index)
	return sb.String()
}

// replHelpEntry is the help of one REPL command or of the keys.
func replHelpEntry(name string) (string, bool) {
	if name == "keys" {
		return replKeys, true
	}
	for _, c := range replCommands {
		if name == c.name || name == c.usage {
			return c.usage + "\n  " + strings.ReplaceAll(c.text, "\n", "\n  "), true
		}
	}
	return "", false
}

// helpText is .help NAME.
func helpText(name string) (string, bool) {
	if name == "" {
		return replHelp(), true
	}
	if text, ok := replHelpEntry(name); ok {
		return text, true
	}
	return luabind.Help(name)
}
