package lab

import (
	"context"
	"errors"
	"sync"
)

// temps are the temp labs this process has started to bring up.
var temps = struct {
	sync.Mutex
	m map[*Lab]bool
}{m: map[*Lab]bool{}}

func registerTemp(l *Lab) {
	temps.Lock()
	temps.m[l] = true
	temps.Unlock()
}

func unregisterTemp(l *Lab) {
	temps.Lock()
	delete(temps.m, l)
	temps.Unlock()
}

// CleanupTemp removes every temp lab (Spec.Temp) this process brought up
// or started to bring up and has not taken down yet: an Up in progress is
// interrupted first. It is safe to call from any goroutine (a signal
// handler's included) and more than once; the script runner calls it when
// the script ends, fails, or gets SIGINT or SIGTERM, before the process
// exits. Labs that cannot be removed are left "partial" for `nssh gc`.
func CleanupTemp() error {
	temps.Lock()
	labs := make([]*Lab, 0, len(temps.m))
	for l := range temps.m {
		labs = append(labs, l)
	}
	temps.Unlock()
	var errs []error
	for _, l := range labs {
		l.interrupt()
		if _, err := l.Down(context.Background()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
