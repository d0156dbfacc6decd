/* addel: the minimal C baseline for bench/run.sh. It adds N named network
 * namespaces and deletes them again with exactly the syscalls of iproute2's
 * `ip netns add` / `ip netns del` (mkdir, flock, make-shared, O_EXCL
 * placeholder, unshare, bind mount, setns back; umount2 + unlink), in one
 * process, and prints the elapsed seconds of each phase. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *rundir = "/run/netns";

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
	perror(what);
	exit(1);
}

static void prepare_rundir(void) {
	if (mkdir(rundir, 0755) < 0 && errno != EEXIST) die("mkdir");
	int lock = open(rundir, O_RDONLY | O_DIRECTORY, 0);
	if (lock < 0) die("open rundir");
	flock(lock, LOCK_EX);
	int bound = 0;
	while (mount("", rundir, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || bound) die("make-shared");
		if (mount(rundir, rundir, "none", MS_BIND | MS_REC, NULL)) die("self-bind");
		bound = 1;
	}
	flock(lock, LOCK_UN);
	close(lock);
}

static void add(const char *path, int home) {
	prepare_rundir();
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
	if (fd < 0) die("create placeholder");
	close(fd);
	if (unshare(CLONE_NEWNET)) die("unshare");
	if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL)) die("bind");
	if (setns(home, CLONE_NEWNET)) die("setns");
}

static void del(const char *path) {
	umount2(path, MNT_DETACH);
	if (unlink(path)) die("unlink");
}

int main(int argc, char **argv) {
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	if (argc > 2) rundir = argv[2];
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) die("open home netns");
	char path[4096];
	double t0 = now();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/b%d", rundir, i);
		add(path, home);
	}
	double t1 = now();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/b%d", rundir, i);
		del(path);
	}
	double t2 = now();
	printf("%.6f %.6f\n", t1 - t0, t2 - t1);
	return 0;
}
