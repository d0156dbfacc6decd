package readline

// nssh patch: the key loop survives a panic.

import "fmt"

// recoverIoloop runs when ioloop returns or panics. After a panic it
// reports the error on Stderr, drops the line being edited (its state
// may be what caused the panic) and starts the key loop again, so that
// no key sequence can end the program. A Readline call that is waiting
// goes on waiting for the next line.
func (o *Operation) recoverIoloop() {
	rec := recover()
	if rec == nil {
		return
	}
	if o.ioloopLocked {
		o.ioloopLocked = false
		o.m.Unlock()
	}
	o.buf.Lock()
	o.buf.Reset()
	o.buf.Unlock()
	o.opSearch.inMode = false
	o.opCompleter.inCompleteMode = false
	o.opCompleter.inSelectMode = false
	fmt.Fprintf(o.GetConfig().Stderr, "\r\nreadline: internal error: %v (line dropped)\r\n", rec)
	o.t.KickRead()
	go o.ioloop()
}
