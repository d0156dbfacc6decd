package main

import (
	"strings"
	"testing"
)

// TestHelpNamesLabListColumns checks that `nssh --help` and `nssh lab help`
// name every column `nssh lab list` prints, in its order (issue 12: they
// named four of six).
func TestHelpNamesLabListColumns(t *testing.T) {
	header := strings.Join(labListColumns, " ")
	for name, text := range map[string]string{"nssh --help": usage, "nssh lab help": labUsage} {
		words := " " + strings.Join(strings.Fields(text), " ") + " "
		for _, col := range labListColumns {
			if !strings.Contains(words, " "+col+" ") && !strings.Contains(words, " "+col+":") {
				t.Errorf("%s does not name the lab list column %s", name, col)
			}
		}
		if !strings.Contains(words, header) {
			t.Errorf("%s does not list the columns in order as %q", name, header)
		}
	}
}
