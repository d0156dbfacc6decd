package core

// WatchOverflows lets tests check that a kernel queue overflow happened.
var WatchOverflows = &watchOverflows
