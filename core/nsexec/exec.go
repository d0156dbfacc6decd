package nsexec

import (
	"os"
	"syscall"
)

// InPlace runs argv inside the namespace RUNDIR/NAME by replacing the
// current process, exactly as `ip netns exec NAME CMD...` does: the command
// keeps this pid, so its exit status and death by signal are the caller's
// own. It must run on the main thread (package init functions do, and so
// does a main goroutine that locked it). It returns only on failure: an
// *Error for the namespace setup (ip exits 255) or an *ExecError (ip exits
// 1).
//
// Equivalent to: `ip netns exec NAME CMD...`
func InPlace(runDir, etcDir, name string, argv []string, warn func(string)) error {
	fd, err := Open(runDir, name)
	if err != nil {
		return err
	}
	if err := Switch(fd, name, etcDir, warn); err != nil {
		syscall.Close(fd)
		return err
	}
	syscall.Close(fd)
	return &ExecError{Cmd: argv[0], Err: Execvp(argv[0], argv, os.Environ())}
}

// Execvp replaces the process image like glibc's execvp: a PATH search
// when file has no '/' (see FindExecutable), and files without a #! line
// run by /bin/sh. It returns only on failure.
func Execvp(file string, argv, env []string) error {
	path, err := FindExecutable(file)
	if err != nil {
		return err
	}
	err = syscall.Exec(path, argv, env)
	if err == syscall.ENOEXEC {
		shArgv := append([]string{"/bin/sh", path}, argv[1:]...)
		if serr := syscall.Exec("/bin/sh", shArgv, env); serr != nil {
			return err
		}
	}
	return err
}

// FindExecutable resolves file like glibc's execvp: as given when it
// contains a '/', else the first executable regular file along PATH;
// ENOENT, or EACCES when a candidate was not executable or a PATH directory
// could not be searched.
func FindExecutable(file string) (string, error) {
	if contains(file, '/') {
		return file, nil
	}
	if file == "" {
		return "", syscall.ENOENT
	}
	path, ok := os.LookupEnv("PATH")
	if !ok {
		path = "/bin:/usr/bin"
	}
	sawAccess := false
	for _, dir := range split(path, ':') {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + file
		var st syscall.Stat_t
		if err := syscall.Stat(p, &st); err != nil {
			if err == syscall.EACCES { // a directory we may not search
				sawAccess = true
			}
			continue
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFREG || syscall.Access(p, xOK) != nil {
			sawAccess = true // execve would say EACCES
			continue
		}
		return p, nil
	}
	if sawAccess {
		return "", syscall.EACCES
	}
	return "", syscall.ENOENT
}

// xOK is access(2)'s X_OK.
const xOK = 1
