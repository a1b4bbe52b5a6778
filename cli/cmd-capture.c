// SPDX-License-Identifier: MIT
// dontpanic capture: the capture kernel's /init. main.c runs it when
// argv[0]'s basename is "init". It mounts the pseudo file systems, loads
// the initramfs's modules, reads the kdump configuration, finds and mounts
// the dump target, writes vmcore-dmesg.txt and the vmcore with our
// log reader and collector (each in a child process), then does the
// final action. Every step prints one
// line on the console. As PID 1 it never returns: every path ends in
// reboot(2) or an exec of /bin/sh (returning from init panics the kernel).
//
// Layout it reads: /work/wt SERVICE-CONTRACT (docs/service.md "Capture
// initramfs"): /etc/dontpanic/modules, /etc/dontpanic/target,
// /etc/kdump.conf or /etc/default/kdump-tools.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dontpanic/capture.h>
#include <dontpanic/config.h>

#include "cli.h"
#include "core/file.h"

#define VMCORE "/proc/vmcore"
#define MNT "/mnt"
#define MODULES_LIST "/etc/dontpanic/modules"
#define TARGET_FILE "/etc/dontpanic/target"
#define DEVICE_WAIT_S 60

static const char usage_text[] =
	"usage: dontpanic capture\n"
	"\n"
	"The capture kernel's /init (the initramfs links /init to the\n"
	"dontpanic binary; run as 'init' it runs this command). It refuses to\n"
	"run unless it is PID 1 and /proc/vmcore exists, so running it on a\n"
	"live system does nothing. Steps, one console line each:\n"
	"  mount /proc, /sys, /dev (devtmpfs); load the modules listed in\n"
	"  /etc/dontpanic/modules (finit_module, already loaded is fine); read\n"
	"  /etc/kdump.conf or /etc/default/kdump-tools and /etc/dontpanic/target;\n"
	"  find the target device (by uuid= or LABEL= from its superblock:\n"
	"  ext2/3/4, xfs, btrfs; else by path), waiting up to 60 s for it;\n"
	"  mount it on /mnt; write PATH/YYYY-MM-DD-HH:MM:SS/vmcore-dmesg.txt and\n"
	"  vmcore-incomplete with the core_collector (makedumpfile or dontpanic\n"
	"  collect options; our collector, in a child process), renamed to\n"
	"  vmcore (vmcore.flat with -F) when complete; say how much memory the\n"
	"  capture kernel had and the collector used; keep every line in\n"
	"  capture-log.txt beside the dump; unmount, then final_action (reboot,\n"
	"  halt, poweroff). On a failure: failure_action (shell: /bin/sh if the\n"
	"  initramfs has one, else reboot).\n"
	"A raw target gets the -F stream written to the device. nfs, ssh,\n"
	"virtiofs and minix targets are not supported by this build (the\n"
	"capture fails and says so; 'dontpanic config' reports them as errors).\n";

static struct timespec t_start;

// Every console line, kept to be written beside the dump as
// capture-log.txt (kdumpctl keeps kexec-dmesg.log): what the capture did
// and how much memory it had, for the next crashkernel= choice.
static char cap_log[32768];
static size_t cap_len;
static char dump_dir[4096];	// set once the dump directory exists

static double uptime(void)
{
	double up = 0;
	FILE *f = fopen("/proc/uptime", "re");
	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	return up;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap, ap2;
	fputs("dontpanic capture: ", stdout);
	va_start(ap, fmt);
	va_copy(ap2, ap);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	if (cap_len + 2 < sizeof(cap_log)) {
		int n = vsnprintf(cap_log + cap_len, sizeof(cap_log) - cap_len - 1,
				  fmt, ap2);
		if (n > 0)
			cap_len += (size_t)n < sizeof(cap_log) - cap_len - 1 ?
				   (size_t)n : sizeof(cap_log) - cap_len - 2;
		cap_log[cap_len++] = '\n';
	}
	va_end(ap2);
}

// DIR/capture-log.txt, once the dump directory exists (best effort: the
// dump matters more than its log).
static void write_capture_log(void)
{
	if (!dump_dir[0])
		return;
	char path[4200];
	snprintf(path, sizeof(path), "%s/capture-log.txt", dump_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	for (size_t off = 0; off < cap_len;) {
		ssize_t n = write(fd, cap_log + off, cap_len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	fsync(fd);
	close(fd);
	dump_dir[0] = '\0';	// once
}

static double elapsed(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t_start.tv_sec) +
	       (double)(t.tv_nsec - t_start.tv_nsec) / 1e9;
}

// ------------------------------------------------------------ the end

static void finish(enum dp_action a) __attribute__((noreturn));
static void finish(enum dp_action a)
{
	write_capture_log();
	sync();
	if (umount(MNT) != 0 && errno != EINVAL)	// EINVAL: not mounted
		umount2(MNT, MNT_DETACH);
	sync();
	int how = RB_AUTOBOOT;
	const char *name = "rebooting";
	if (a == DP_ACTION_POWEROFF) {
		how = RB_POWER_OFF;
		name = "powering off";
	} else if (a == DP_ACTION_HALT) {
		how = RB_HALT_SYSTEM;
		name = "halting";
	}
	say("%s (uptime %.2f s, capture %.2f s)", name, uptime(), elapsed());
	reboot(how);
	say("reboot(2) failed: %s; waiting forever", strerror(errno));
	for (;;)
		pause();
}

static void fail(const struct dp_config *cfg) __attribute__((noreturn));
static void fail(const struct dp_config *cfg)
{
	enum dp_action a = cfg ? cfg->failure_action : DP_ACTION_REBOOT;
	if (a == DP_ACTION_SHELL) {
		if (access("/bin/sh", X_OK) == 0) {
			say("failure_action shell: starting /bin/sh");
			write_capture_log();
			umount2(MNT, MNT_DETACH);
			execl("/bin/sh", "sh", (char *)NULL);
			say("exec /bin/sh: %s", strerror(errno));
		} else {
			say("failure_action shell: the initramfs has no /bin/sh");
		}
		a = DP_ACTION_REBOOT;
	} else if (a == DP_ACTION_DUMP_TO_ROOTFS || a == DP_ACTION_COMMAND) {
		const struct dp_capability *cap = a == DP_ACTION_COMMAND ?
			dp_capability_lookup("KDUMP_FAIL_CMD", NULL) :
			dp_capability_lookup("failure_action", dp_action_name(a));
		say("%s", cap ? cap->note : "failure action not supported");
		a = DP_ACTION_REBOOT;
	}
	finish(a == DP_ACTION_UNSET ? DP_ACTION_REBOOT : a);
}

// ------------------------------------------------------------ steps

static bool mount_one(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) == 0 || errno == EBUSY)
		return true;
	say("mount %s on %s: %s", type, dir, strerror(errno));
	return false;
}

static void load_modules(void)
{
	FILE *f = fopen(MODULES_LIST, "re");
	if (!f) {
		say("no %s: no modules to load", MODULES_LIST);
		return;
	}
	char line[4096];
	unsigned n = 0, already = 0, bad = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		n++;
		int fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			say("module %s: %s", line, strerror(errno));
			bad++;
			continue;
		}
		if (syscall(SYS_finit_module, fd, "", 0) != 0) {
			if (errno == EEXIST) {
				already++;
			} else {
				say("module %s: finit_module: %s", line, strerror(errno));
				bad++;
			}
		}
		close(fd);
	}
	fclose(f);
	say("loading %u modules from %s: %s (%u already loaded, %u failed)",
	    n, MODULES_LIST, bad ? "FAILED" : "ok", already, bad);
}

static char *words_str(const struct dp_config_words *w)
{
	static char buf[1024];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < w->n && n + 2 < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "", w->v[i]);
	return buf;
}

// The image's configuration, or the defaults when it has none (what
// `initramfs` promises then: /var/crash on the target file's device).
static struct dp_config *read_config(void)
{
	struct dp_config *cfg;
	const char *file;
	struct dp_error *err = dp_config_load_machine("", &cfg, &file);
	if (err) {
		say("config %s: %s", file ? file : "", err->message);
		dp_error_destroy(err);
		return NULL;
	}
	for (size_t d = 0; d < cfg->ndiags; d++)
		say("%s", cfg->diags[d].message);
	// `initramfs` refuses a config with errors, so a hand-made image is
	// the only way here. Errors that only say "not supported by this
	// build" (capability.c) do not stop the dump: the capture goes on
	// without them (a failure action it cannot do becomes reboot).
	if (cfg->nerrors > cfg->nunsupported) {
		say("config %s: %zu errors", file, cfg->nerrors);
		dp_config_destroy(cfg);
		return NULL;
	}
	if (cfg->nunsupported)
		say("config %s: %zu directive%s not supported by this build (above): going on without %s",
		    file, cfg->nunsupported, cfg->nunsupported == 1 ? "" : "s",
		    cfg->nunsupported == 1 ? "it" : "them");
	if (file)
		say("config %s (%s): ok", file, dp_config_format_name(cfg->format));
	else
		say("config: none in the initramfs: the defaults (path %s, core_collector %s, failure_action %s)",
		    cfg->path, words_str(&cfg->collector),
		    dp_action_name(cfg->failure_action));
	return cfg;
}

static bool read_target(const struct dp_config *cfg, struct dp_capture_target *t)
{
	char buf[8192];
	struct dp_error *err;
	int fd = open(TARGET_FILE, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf));
		close(fd);
		err = n < 0 ? dp_error_os(errno, "read") :
		      dp_capture_target_parse(buf, (size_t)n, t);
	} else {
		err = dp_capture_target_from_config(cfg, t);
	}
	if (!err && !t->path[0])
		snprintf(t->path, sizeof(t->path), "%s", cfg->path ? cfg->path : "/var/crash");
	if (err) {
		say("target %s: %s", fd >= 0 ? TARGET_FILE : "(from the config)", err->message);
		dp_error_destroy(err);
		return false;
	}
	return true;
}

// Does /dev/NAME hold the file system t names? Fills *id.
static bool matches(const char *dev, const struct dp_capture_target *t,
		    struct dp_blkid *id)
{
	static uint8_t buf[DP_BLKID_PROBE_SIZE];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n <= 0)
		return false;
	struct dp_error *err = dp_blkid_probe(buf, (size_t)n, id);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	if (t->uuid[0])
		return strcasecmp(id->uuid, t->uuid) == 0;
	return t->label[0] && strcmp(id->label, t->label) == 0;
}

static bool scan_block(const struct dp_capture_target *t, char *dev,
		       size_t size, struct dp_blkid *id)
{
	DIR *d = opendir("/sys/class/block");
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dev, size, "/dev/%s", e->d_name);
		found = matches(dev, t, id);
	}
	closedir(d);
	return found;
}

// Wait (bounded) for the target's block device; dev gets its path.
static bool find_device(const struct dp_capture_target *t, char *dev,
			size_t size, struct dp_blkid *id)
{
	bool by_id = t->uuid[0] || t->label[0];
	const char *what = t->uuid[0] ? "UUID=" : t->label[0] ? "LABEL=" : "";
	const char *name = t->uuid[0] ? t->uuid : t->label[0] ? t->label : t->device;
	for (int i = 0; i < DEVICE_WAIT_S * 10; i++) {
		struct stat sb;
		if (by_id && scan_block(t, dev, size, id))
			return true;
		if (!by_id && stat(t->device, &sb) == 0 && S_ISBLK(sb.st_mode)) {
			snprintf(dev, size, "%s", t->device);
			memset(id, 0, sizeof(*id));
			if (!matches(dev, t, id))
				memset(id, 0, sizeof(*id));
			return true;
		}
		if (i == 10)
			say("waiting for %s%s (up to %d s)", what, name, DEVICE_WAIT_S);
		usleep(100000);
	}
	say("finding %s%s: FAILED: no such block device after %d s", what, name,
	    DEVICE_WAIT_S);
	return false;
}

static bool mount_target(const struct dp_capture_target *t, const char *dev,
			 const struct dp_blkid *id)
{
	const char *type = t->fstype[0] ? t->fstype : id->fstype[0] ? id->fstype : t->kind;
	mkdir(MNT, 0755);
	int rc = mount(dev, MNT, type, 0, NULL);
	// ext2/ext3 are mounted by the ext4 driver when they are not built.
	if (rc && errno == ENODEV && !strncmp(type, "ext", 3)) {
		type = "ext4";
		rc = mount(dev, MNT, type, 0, NULL);
	}
	const char *base = strrchr(dev, '/');
	say("mounting %s%s (%s, %s) on %s: %s%s",
	    t->uuid[0] ? "UUID=" : t->label[0] ? "LABEL=" : "",
	    t->uuid[0] ? t->uuid : t->label[0] ? t->label : dev,
	    base ? base + 1 : dev, type, MNT, rc ? "FAILED: " : "ok",
	    rc ? strerror(errno) : "");
	return rc == 0;
}

static bool mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc && errno != EEXIST)
			return false;
	}
	return mkdir(path, 0755) == 0 || errno == EEXIST;
}

// MNT/path/DATE (DATE-2... if it exists); dir gets it.
static bool make_dump_dir(const struct dp_capture_target *t, char *dir,
			  size_t size)
{
	char name[64];
	dp_capture_dirname(time(NULL), name, sizeof(name));
	const char *p = t->path[0] == '/' ? t->path + 1 : t->path;
	for (int i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(dir, size, "%s/%s%s%s", MNT, p, *p ? "/" : "", name);
		else
			snprintf(dir, size, "%s/%s%s%s-%d", MNT, p, *p ? "/" : "", name, i);
		struct stat sb;
		if (stat(dir, &sb) == 0)
			continue;
		if (mkdir_p(dir)) {
			say("dump directory %s: ok", dir);
			snprintf(dump_dir, sizeof(dump_dir), "%s", dir);
			return true;
		}
		break;
	}
	say("dump directory %s: FAILED: %s", dir, strerror(errno));
	return false;
}

// Run a command of ours in a child process, its standard output on fd
// (-1: the console). A child, not a call: if the log reader or the
// collector crashes on a damaged /proc/vmcore, PID 1 survives to run the
// next step and the failure action (PID 1 dying panics the capture kernel
// and loses the dump); the child's memory goes back whole, too.
static int run_child(const char *what, int fd, int (*fn)(int, char **),
		     int argc, char **argv)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		say("%s: fork: %s", what, strerror(errno));
		return DP_EXIT_FAILURE;
	}
	if (pid == 0) {
		if (fd >= 0 && dup2(fd, 1) < 0)
			_exit(DP_EXIT_FAILURE);
		optind = 0;
		int rc = fn(argc, argv);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			say("%s: waitpid: %s", what, strerror(errno));
			return DP_EXIT_FAILURE;
		}
	if (WIFSIGNALED(status)) {
		say("%s: killed by signal %d (%s)", what, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		return DP_EXIT_FAILURE;
	}
	return WEXITSTATUS(status);
}

static void write_dmesg(const char *dir)
{
	char tmp[4200], final[4200];
	snprintf(tmp, sizeof(tmp), "%s/vmcore-dmesg-incomplete.txt", dir);
	snprintf(final, sizeof(final), "%s/vmcore-dmesg.txt", dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		say("writing vmcore-dmesg.txt: FAILED: %s", strerror(errno));
		return;
	}
	char *args[] = { (char *)"log", (char *)VMCORE, NULL };
	int rc = run_child("dontpanic log", fd, cmd_log, 2, args);
	struct stat sb;
	bool ok = rc == 0 && fsync(fd) == 0 && fstat(fd, &sb) == 0;
	close(fd);
	if (ok && rename(tmp, final) == 0)
		say("writing vmcore-dmesg.txt: ok (%lld bytes)", (long long)sb.st_size);
	else
		say("writing vmcore-dmesg.txt: FAILED (dontpanic log exit %d)", rc);
}

// A meminfo counter in MiB, or -1.
static long long meminfo_mib(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p ? (long long)strtoull(p + strlen(key), NULL, 10) / 1024 : -1;
}

// How much memory the capture had and used: what to size crashkernel=
// by next time (the largest child is the collector or the log reader).
static void say_memory(void)
{
	char text[4096];
	struct rusage ru;
	long long peak = getrusage(RUSAGE_CHILDREN, &ru) ? -1 : ru.ru_maxrss / 1024;
	if (!dp_file_read_small(NULL, "/proc/meminfo", text, sizeof(text)))
		text[0] = '\0';
	say("memory: %lld MiB in the capture kernel (MemTotal), %lld MiB available after the dump, largest child's peak RSS %lld MiB",
	    meminfo_mib(text, "MemTotal:"), meminfo_mib(text, "MemAvailable:"),
	    peak);
}

// The collector with its options, /proc/vmcore and out (or stdout = fd).
static int collect(const struct dp_capture_collector *c, const char *out, int fd)
{
	char **argv = calloc(c->args.n + 4, sizeof(char *));
	if (!argv)
		return DP_EXIT_FAILURE;
	int argc = 0;
	argv[argc++] = (char *)"collect";
	for (size_t i = 0; i < c->args.n; i++)
		argv[argc++] = c->args.v[i];
	argv[argc++] = (char *)VMCORE;
	if (!c->flattened)
		argv[argc++] = (char *)out;
	int rc = run_child("dontpanic collect", c->flattened ? fd : -1,
			   cmd_collect, argc, argv);
	free(argv);
	return rc;
}

static bool write_vmcore(const struct dp_config *cfg, const char *dir)
{
	struct dp_capture_collector c;
	struct dp_error *err = dp_capture_collector(&cfg->collector, &c);
	if (err) {
		say("core_collector: FAILED: %s", err->message);
		dp_error_destroy(err);
		return false;
	}
	char tmp[4200], final[4200];
	snprintf(tmp, sizeof(tmp), "%s/vmcore-incomplete", dir);
	snprintf(final, sizeof(final), "%s/%s", dir, c.flattened ? "vmcore.flat" : "vmcore");
	say("writing vmcore with '%s' (dontpanic collect, in a child process)",
	    words_str(&cfg->collector));
	double t0 = elapsed();
	int fd = -1, rc;
	if (c.flattened &&
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		rc = DP_EXIT_FAILURE;
	else
		rc = collect(&c, tmp, fd);
	if (fd >= 0 && (fsync(fd) < 0 || close(fd) < 0))
		rc = rc ? rc : DP_EXIT_FAILURE;
	dp_capture_collector_free(&c);
	say_memory();
	struct stat sb;
	bool ok = rc == 0 && stat(tmp, &sb) == 0 && rename(tmp, final) == 0;
	if (ok)
		say("writing %s: ok (%lld bytes in %.1f s)", strrchr(final, '/') + 1,
		    (long long)sb.st_size, elapsed() - t0);
	else
		say("writing vmcore: FAILED (collector exit %d%s)", rc,
		    rc ? "" : ", rename failed");
	return ok;
}

static bool write_raw(const struct dp_config *cfg, const char *dev)
{
	struct dp_capture_collector c;
	struct dp_error *err = dp_capture_collector(&cfg->collector, &c);
	if (!err && !c.flattened)
		err = dp_error_create(DP_ERR_INVALID, "a raw target needs -F (a flattened stream) in core_collector");
	if (err) {
		say("core_collector: FAILED: %s", err->message);
		dp_error_destroy(err);
		dp_capture_collector_free(&c);
		return false;
	}
	int fd = open(dev, O_WRONLY | O_CLOEXEC);
	int rc = fd < 0 ? DP_EXIT_FAILURE : collect(&c, NULL, fd);
	if (fd >= 0 && (fsync(fd) < 0 || close(fd) < 0))
		rc = rc ? rc : DP_EXIT_FAILURE;
	dp_capture_collector_free(&c);
	say_memory();
	say("writing the flattened dump to %s: %s (exit %d)", dev,
	    rc ? "FAILED" : "ok", rc);
	return rc == 0;
}

static void capture(void) __attribute__((noreturn));
static void capture(void)
{
	say("started (uptime %.2f s), /proc/vmcore present", uptime());
	load_modules();
	struct dp_config *cfg = read_config();
	if (!cfg)
		fail(NULL);
	struct dp_capture_target t;
	if (!read_target(cfg, &t))
		fail(cfg);
	say("target %s %s, path %s", t.kind, t.device[0] ? t.device : t.uuid, t.path);
	// The same table `config` checks against (capability.c).
	const struct dp_capability *cap = dp_capability_lookup(t.kind, NULL);
	if (!cap || !cap->supported) {
		say("target %s: %s", t.kind,
		    cap ? cap->note : "not a dump target this build knows");
		fail(cfg);
	}
	char dev[4096], dir[4096];
	struct dp_blkid id;
	if (!find_device(&t, dev, sizeof(dev), &id))
		fail(cfg);
	if (!strcmp(t.kind, "raw")) {
		if (!write_raw(cfg, dev))
			fail(cfg);
		finish(cfg->final_action);
	}
	if (!mount_target(&t, dev, &id) || !make_dump_dir(&t, dir, sizeof(dir)))
		fail(cfg);
	write_dmesg(dir);
	if (!write_vmcore(cfg, dir))
		fail(cfg);
	say("dump complete in %s (%.2f s)", dir, elapsed());
	finish(cfg->final_action);
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	optind = 1;
	if ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return dp_cli_usage(opt, usage_text);
	if (getpid() != 1) {
		fprintf(stderr, "dontpanic capture: not PID 1: this is the capture kernel's /init (it writes the dump and reboots); refusing to run on a live system\n");
		return DP_EXIT_FAILURE;
	}
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	setvbuf(stdout, NULL, _IOLBF, 0);
	bool ok = mount_one("proc", "/proc", "proc") &&
		  mount_one("sysfs", "/sys", "sysfs") &&
		  mount_one("devtmpfs", "/dev", "devtmpfs");
	say("mounting /proc, /sys, /dev: %s", ok ? "ok" : "FAILED");
	if (access(VMCORE, F_OK) != 0) {
		say("no %s: this kernel was not started by a crash (not a capture kernel); nothing to do",
		    VMCORE);
		finish(DP_ACTION_HALT);
	}
	capture();
}
