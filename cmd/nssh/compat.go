package main

import (
	"io"

	"github.com/nssh/nssh/core"
)

// PLACEHOLDER: owned by the CLI-compat work; replaced wholesale.
func isNetnsCommand(args []string) bool { return len(args) > 0 && args[0] == "netns" }

func runNetns(cfg core.Config, args []string, stdout, stderr io.Writer) int { return 1 }
