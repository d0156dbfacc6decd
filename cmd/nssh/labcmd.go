package main

import "io"

// PLACEHOLDER: owned by the lab work; replaced wholesale.
func runLab(g globals, args []string, stdout, stderr io.Writer) int { return 1 }

func runGC(g globals, args []string, stdout, stderr io.Writer) int { return 1 }
