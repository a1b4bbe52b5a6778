// SPDX-License-Identifier: GPL-2.0
/*
 * dpcrash.ko - crash the kernel on demand, for dontpanic's real-vmcore tests.
 *
 * Write one word to /proc/dpcrash:
 *   null        write through a NULL pointer  (panics with kernel.panic_on_oops=1)
 *   bug         BUG()                         (panics with kernel.panic_on_oops=1)
 *   softlockup  spin with preemption off      (panics with kernel.softlockup_panic=1)
 *   hung        sleep in TASK_UNINTERRUPTIBLE (panics with kernel.hung_task_panic=1)
 *   panic       panic() with a known message  (more words after dpcrash_bug())
 * The globals below have known values so tests can read them back from a
 * dump ("p dpcrash_magic", walk dpcrash_list) and compare.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define DPCRASH_MAGIC 0xd0e5c0ffee15900dULL

struct dpcrash_item {
	unsigned int id;
	unsigned long value;
	char name[16];
	struct list_head node;
};

unsigned long dpcrash_magic = DPCRASH_MAGIC;
EXPORT_SYMBOL(dpcrash_magic);
char dpcrash_banner[] = "dontpanic dpcrash test module";
EXPORT_SYMBOL(dpcrash_banner);

/* A three-element list with known contents: id n has value n * magic. */
static struct dpcrash_item dpcrash_items[3] = {
	{ .id = 1, .value = 1 * DPCRASH_MAGIC, .name = "one" },
	{ .id = 2, .value = 2 * DPCRASH_MAGIC, .name = "two" },
	{ .id = 3, .value = 3 * DPCRASH_MAGIC, .name = "three" },
};
LIST_HEAD(dpcrash_list);
EXPORT_SYMBOL(dpcrash_list);

static noinline void dpcrash_null(void)
{
	int *volatile p = NULL;

	pr_emerg("dpcrash: writing through a NULL pointer\n");
	*p = 0x42;
}

static noinline void dpcrash_bug(void)
{
	pr_emerg("dpcrash: calling BUG()\n");
	BUG();
}

static noinline void dpcrash_softlockup(void)
{
	pr_emerg("dpcrash: spinning with preemption disabled\n");
	preempt_disable();
	for (;;)
		cpu_relax();
}

static noinline void dpcrash_hung(void)
{
	pr_emerg("dpcrash: sleeping uninterruptibly forever\n");
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	}
}

static noinline void dpcrash_panic(void)
{
	panic("dpcrash: explicit panic, magic=%lx", dpcrash_magic);
}

/*
 * The crash kinds of issue 14, each in its own noinline function so the
 * guilty frame is known; words: divide, opcode, listdel, warn, mutex.
 * (Appended here, after dpcrash_bug(): the harness expects its BUG() line
 * number to stay the same.)
 */
static unsigned long dpcrash_divisor;	/* 0: the division below faults (#DE) */

static noinline void dpcrash_divide(void)
{
	pr_emerg("dpcrash: dividing by zero\n");
	pr_emerg("dpcrash: quotient %lu\n",
		 dpcrash_magic / READ_ONCE(dpcrash_divisor));
}

/* A bare ud2 that is not in the __bug_table: handle_bug() finds no entry,
 * so the kernel prints "invalid opcode" without "kernel BUG at". */
static noinline void dpcrash_opcode(void)
{
	pr_emerg("dpcrash: executing ud2\n");
	asm volatile("ud2");
	unreachable();
}

/* list_del() twice: the second finds next == LIST_POISON1;
 * CONFIG_DEBUG_LIST reports "list_del corruption" and
 * CONFIG_BUG_ON_DATA_CORRUPTION makes it a BUG in lib/list_debug.c. */
static noinline void dpcrash_listdel(void)
{
	LIST_HEAD(head);
	struct list_head entry;

	list_add(&entry, &head);
	pr_emerg("dpcrash: deleting a list entry twice\n");
	list_del(&entry);
	list_del(&entry);
}

/* A WARN that does not panic (panic_on_warn=0): the harness panics later
 * with "panic", so the log holds a WARNING, then an unrelated panic. */
static noinline void dpcrash_warn(void)
{
	WARN(1, "dpcrash: warning, magic=%lx\n", dpcrash_magic);
}

/* mutex: dpcrash-holder takes dpcrash_lock and sleeps interruptibly
 * forever; dpcrash-waiter blocks in mutex_lock() (D state) until
 * khungtaskd panics (hung_task_panic=1). */
static DEFINE_MUTEX(dpcrash_lock);
static DECLARE_COMPLETION(dpcrash_mutex_taken);

static int dpcrash_mutex_holder(void *unused)
{
	mutex_lock(&dpcrash_lock);
	complete(&dpcrash_mutex_taken);
	for (;;)
		schedule_timeout_interruptible(MAX_SCHEDULE_TIMEOUT);
	return 0;
}

static noinline int dpcrash_mutex_waiter(void *unused)
{
	pr_emerg("dpcrash: waiting for a mutex that is never released\n");
	mutex_lock(&dpcrash_lock);
	mutex_unlock(&dpcrash_lock);
	return 0;
}

static noinline void dpcrash_mutex(void)
{
	kthread_run(dpcrash_mutex_holder, NULL, "dpcrash-holder");
	wait_for_completion(&dpcrash_mutex_taken);
	kthread_run(dpcrash_mutex_waiter, NULL, "dpcrash-waiter");
}

static const struct {
	const char *word;
	void (*fn)(void);
} dpcrash_actions[] = {
	{ "null", dpcrash_null },
	{ "bug", dpcrash_bug },
	{ "softlockup", dpcrash_softlockup },
	{ "hung", dpcrash_hung },
	{ "panic", dpcrash_panic },
	{ "divide", dpcrash_divide },
	{ "opcode", dpcrash_opcode },
	{ "listdel", dpcrash_listdel },
	{ "warn", dpcrash_warn },
	{ "mutex", dpcrash_mutex },
};

static ssize_t dpcrash_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *off)
{
	char buf[32];
	size_t n = min(len, sizeof(buf) - 1);
	size_t i;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(dpcrash_actions); i++) {
		if (!strcmp(strim(buf), dpcrash_actions[i].word)) {
			dpcrash_actions[i].fn();
			return len;
		}
	}
	return -EINVAL;
}

static const struct proc_ops dpcrash_ops = {
	.proc_write = dpcrash_write,
};

static int __init dpcrash_init(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dpcrash_items); i++)
		list_add_tail(&dpcrash_items[i].node, &dpcrash_list);
	if (!proc_create("dpcrash", 0200, NULL, &dpcrash_ops))
		return -ENOMEM;
	pr_info("dpcrash: loaded, magic=%lx\n", dpcrash_magic);
	return 0;
}

static void __exit dpcrash_exit(void)
{
	remove_proc_entry("dpcrash", NULL);
}

module_init(dpcrash_init);
module_exit(dpcrash_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Crash the kernel on demand for dontpanic's vmcore tests");
