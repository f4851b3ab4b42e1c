// SPDX-License-Identifier: MIT
/*
 * Description: the test device answers as <hvbridge/testdev.h> promises,
 * through the whole daemon path: the real producer, the consumer, the
 * device table (hvb_devices_consumer_ops) and the testdev model.  Guest
 * checkers (the simulation, the bare-metal image) predict every response
 * from that header, so any drift here breaks them too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "device.h"
#include "harness.h"
#include "log.h"
#include "testdev.h"

TestSuite(testdev, .timeout = UNIT_SUITE_TIMEOUT_S);

#define TD_BASE		HVB_TESTDEV_DEFAULT_BASE
#define TD_ZONE		HVB_TESTDEV_DEFAULT_ZONE

struct td_env {
	void *mem;
	__u64 size;
	struct hvb_devices tab;
	struct hvb_device *dev;
	struct hyp_producer p;
	struct hvb_consumer c;
};

static void td_setup(struct td_env *e)
{
	struct hvb_device_args args = {
		.zone_id = TD_ZONE,
		.base = TD_BASE,
		.kick_dev = HVB_TESTDEV_KICK_DEV,
	};
	const char *why = NULL;
	int err;

	memset(e, 0, sizeof(*e));
	/* The misses below are on purpose; their warnings are noise. */
	hvb_log_threshold = HVB_LOG_ERROR;
	e->mem = unit_region_new(2, &e->size);
	hvb_devices_init(&e->tab);
	err = hvb_devices_create(&e->tab, HVB_TESTDEV_TYPE, &args, &why);
	cr_assert_eq(err, 0, "create testdev: %s (%d)", why ? why : "?", err);
	e->dev = hvb_devices_lookup(&e->tab, TD_ZONE, TD_BASE, 8);
	cr_assert(e->dev, "testdev not found at its base");
	cr_assert_eq(e->dev->size, (__u64)HVB_TESTDEV_SIZE);
	cr_assert_eq(hvb_consumer_attach(&e->c, e->mem, e->size,
					 &hvb_devices_consumer_ops, &e->tab),
		     0);
	hvb_consumer_poll(&e->c);
	unit_producer_attach(&e->p, e->mem, e->size, 1);
}

static void td_teardown(struct td_env *e)
{
	hvb_consumer_detach(&e->c);
	hvb_devices_fini(&e->tab);
	unit_region_free(e->mem, e->size);
}

static hyp_status_t td_read(struct td_env *e, __u64 off, __u32 size,
			    __u64 *value)
{
	*value = 0xdeadbeefdeadbeefull;	/* must be replaced on success */
	return unit_roundtrip(&e->c, &e->p, TD_BASE + off, size, 0, value);
}

static hyp_status_t td_write(struct td_env *e, __u64 off, __u32 size,
			     __u64 value)
{
	return unit_roundtrip(&e->c, &e->p, TD_BASE + off, size,
			      HVB_REQ_WRITE, &value);
}

static __u64 td_read_ok(struct td_env *e, __u64 off, __u32 size)
{
	__u64 v;
	hyp_status_t st = td_read(e, off, size, &v);

	cr_assert_eq(st, HVB_STATUS_OK, "read of %u bytes at %#llx: status %u",
		     size, (unsigned long long)off, st);
	return v;
}

static void td_write_ok(struct td_env *e, __u64 off, __u32 size,
			__u64 value)
{
	hyp_status_t st = td_write(e, off, size, value);

	cr_assert_eq(st, HVB_STATUS_OK, "write of %u bytes at %#llx: status %u",
		     size, (unsigned long long)off, st);
}

static const __u32 td_sizes[] = { 1, 2, 4, 8 };

Test(testdev, scratch_starts_zeroed)
{
	struct td_env e;
	unsigned int i;

	td_setup(&e);
	for (i = 0; i < 4; i++) {
		cr_expect_eq(td_read_ok(&e, 0x100 * i, td_sizes[i]), 0ull);
		cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_SCRATCH_SIZE -
					td_sizes[i], td_sizes[i]), 0ull);
	}
	td_teardown(&e);
}

Test(testdev, scratch_reads_back_what_was_written_at_every_size)
{
	struct td_env e;
	const __u64 offs[] = { 0x0, 0x8, 0x1230, 0x7fc0 };
	unsigned int i, j;

	td_setup(&e);
	for (i = 0; i < 4; i++) {
		__u32 size = td_sizes[i];

		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			__u64 off = offs[j] + 0x10 * i;
			/* High bytes beyond @size are garbage on purpose. */
			__u64 v = 0xa5a5a5a5a5a5a5a5ull ^
				  (off * 0x0101010101ull) ^ ((__u64)size << 56);

			td_write_ok(&e, off, size, v);
			cr_expect_eq(td_read_ok(&e, off, size),
				     hvb_testdev_truncate(v, size),
				     "%u bytes at %#llx", size,
				     (unsigned long long)off);
		}
	}
	/* The last bytes of SCRATCH, at every size. */
	for (i = 0; i < 4; i++) {
		__u64 off = HVB_TESTDEV_SCRATCH_SIZE - td_sizes[i];

		td_write_ok(&e, off, td_sizes[i], 0x1122334455667788ull);
		cr_expect_eq(td_read_ok(&e, off, td_sizes[i]),
			     hvb_testdev_truncate(0x1122334455667788ull,
						  td_sizes[i]));
	}
	td_teardown(&e);
}

Test(testdev, scratch_is_little_endian_memory_and_a_write_stores_only_its_bytes)
{
	struct td_env e;
	__u32 b;

	td_setup(&e);
	/* Bytes one by one, read as one 8-byte word. */
	for (b = 0; b < 8; b++)
		td_write_ok(&e, 0x200 + b, 1, 0x10 + b);
	cr_expect_eq(td_read_ok(&e, 0x200, 8), 0x1716151413121110ull);
	cr_expect_eq(td_read_ok(&e, 0x202, 2), 0x1312ull);
	cr_expect_eq(td_read_ok(&e, 0x204, 4), 0x17161514ull);
	/* A 2-byte write with garbage above leaves its neighbours alone. */
	td_write_ok(&e, 0x202, 2, 0xffffffffffffabcdull);
	cr_expect_eq(td_read_ok(&e, 0x200, 8), 0x17161514abcd1110ull);
	td_teardown(&e);
}

Test(testdev, pattern_reads_return_the_documented_function_and_ignore_writes)
{
	struct td_env e;
	const __u64 offs[] = {
		HVB_TESTDEV_PATTERN, HVB_TESTDEV_PATTERN + 0x18, 0xabc0,
		HVB_TESTDEV_PATTERN + HVB_TESTDEV_PATTERN_SIZE - 8,
	};
	unsigned int i, j;

	td_setup(&e);
	for (i = 0; i < 4; i++)
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			__u64 off = offs[j] + (8 - td_sizes[i]);

			cr_expect_eq(td_read_ok(&e, off, td_sizes[i]),
				     hvb_testdev_truncate(
					hvb_testdev_pattern(off), td_sizes[i]),
				     "%u bytes at %#llx", td_sizes[i],
				     (unsigned long long)off);
		}
	td_write_ok(&e, 0x9000, 8, 0);
	cr_expect_eq(td_read_ok(&e, 0x9000, 8), hvb_testdev_pattern(0x9000),
		     "a write changed PATTERN");
	cr_expect_neq(hvb_testdev_pattern(0x9000), hvb_testdev_pattern(0x9008),
		      "the pattern differs per offset");
	td_teardown(&e);
}

Test(testdev, the_id_register_reads_the_documented_id)
{
	struct td_env e;

	td_setup(&e);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_ID_REG, 8), HVB_TESTDEV_ID);
	td_teardown(&e);
}

Test(testdev, the_error_register_fails_every_access_with_io_error)
{
	struct td_env e;
	struct hvb_cpu_stats *st;
	unsigned int i;
	__u64 v;

	td_setup(&e);
	st = unit_cpu_stats(e.mem, 1);
	for (i = 0; i < 4; i++) {
		cr_expect_eq(td_read(&e, HVB_TESTDEV_ERROR_REG, td_sizes[i],
				     &v), HVB_STATUS_IO_ERROR,
			     "%u-byte read", td_sizes[i]);
		cr_expect_eq(v, 0xdeadbeefdeadbeefull, "no data on error");
		cr_expect_eq(td_write(&e, HVB_TESTDEV_ERROR_REG, td_sizes[i],
				      1), HVB_STATUS_IO_ERROR,
			     "%u-byte write", td_sizes[i]);
	}
	cr_expect_eq(st->error_responses, 8ull);
	/* Unmapped offsets in the register page fail the same way. */
	cr_expect_eq(td_read(&e, 0xf010, 8, &v), HVB_STATUS_IO_ERROR);
	cr_expect_eq(td_read(&e, 0xfff8, 8, &v), HVB_STATUS_IO_ERROR);
	/* The device still works afterwards. */
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_ID_REG, 8), HVB_TESTDEV_ID);
	td_teardown(&e);
}

Test(testdev, accesses_outside_the_window_or_zone_find_no_device)
{
	struct td_env e;
	__u64 v = 0;

	td_setup(&e);
	cr_expect_eq(unit_roundtrip(&e.c, &e.p, TD_BASE + HVB_TESTDEV_SIZE, 8,
				    0, &v), HVB_STATUS_NO_DEVICE);
	cr_expect_eq(unit_roundtrip(&e.c, &e.p, TD_BASE - 8, 8, 0, &v),
		     HVB_STATUS_NO_DEVICE);
	cr_expect_eq(unit_roundtrip_zone(&e.c, &e.p, TD_ZONE + 1, TD_BASE, 8,
					 0, &v), HVB_STATUS_NO_DEVICE,
		     "another zone reached zone %u's device", TD_ZONE);
	cr_expect_eq(hvb_region_daemon_stats(e.mem)->no_device, 3ull);
	td_teardown(&e);
}

Test(testdev, kick_count_and_kick_seen_follow_every_drained_kick)
{
	struct td_env e;
	__u32 q;

	td_setup(&e);
	for (q = 0; q < HVB_TESTDEV_QUEUES; q++) {
		cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(q), 8),
			     0ull);
		cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_SEEN(q), 8), 0ull);
	}
	/* The guest's protocol: write the mailbox, then kick. */
	for (q = 0; q < HVB_TESTDEV_QUEUES; q++) {
		td_write_ok(&e, HVB_TESTDEV_MAILBOX(q), 8,
			    0x5eed000000000000ull | q);
		cr_assert_eq(hyp_channel_kick(&e.p, HVB_TESTDEV_KICK_DEV, q),
			     0);
	}
	hvb_consumer_poll(&e.c);
	for (q = 0; q < HVB_TESTDEV_QUEUES; q++) {
		cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(q), 8), 1ull,
			     "queue %u", q);
		cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_SEEN(q), 8),
			     0x5eed000000000000ull | q, "queue %u", q);
		cr_expect_eq(hvb_testdev_kick_count(e.dev, q), 1ull);
	}
	/* A second round on queue 3 with a new mailbox value. */
	td_write_ok(&e, HVB_TESTDEV_MAILBOX(3), 8, 0x2222);
	cr_assert_eq(hyp_channel_kick(&e.p, HVB_TESTDEV_KICK_DEV, 3), 0);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(3), 8), 2ull);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_SEEN(3), 8), 0x2222ull);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(4), 8), 1ull,
		     "other queues are untouched");
	td_teardown(&e);
}

Test(testdev, kicks_posted_before_one_drain_count_once)
{
	struct td_env e;
	unsigned int i;

	td_setup(&e);
	for (i = 0; i < 5; i++)
		cr_assert_eq(hyp_channel_kick(&e.p, HVB_TESTDEV_KICK_DEV, 7),
			     0);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(7), 8), 1ull);
	/* A kick for a device index nobody has is dropped, not fatal. */
	cr_assert_eq(hyp_channel_kick(&e.p, HVB_TESTDEV_KICK_DEV + 1, 0), 0);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.tab.unknown_kicks, 1ull);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(0), 8), 0ull);
	td_teardown(&e);
}

Test(testdev, a_synchronous_notify_write_is_a_kick_of_that_queue)
{
	struct td_env e;
	__u64 v = 0;

	td_setup(&e);
	td_write_ok(&e, HVB_TESTDEV_MAILBOX(5), 8, 0x77);
	td_write_ok(&e, HVB_TESTDEV_NOTIFY, 4, 5);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(5), 8), 1ull);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_SEEN(5), 8), 0x77ull);
	/* No such queue, other widths, reads: refused. */
	cr_expect_eq(td_write(&e, HVB_TESTDEV_NOTIFY, 4, HVB_TESTDEV_QUEUES),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(td_write(&e, HVB_TESTDEV_NOTIFY, 8, 5),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(td_read(&e, HVB_TESTDEV_NOTIFY, 4, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(td_read_ok(&e, HVB_TESTDEV_KICK_COUNT(5), 8), 1ull);
	td_teardown(&e);
}

/*
 * The registers in their state file (hvb_testdev_attach_state()): a
 * daemon that dies leaves SCRATCH and the kick counters to its
 * successor, the next daemon of the same region (epoch + 1), in the
 * same run of the zone; anything else starts afresh.  Without it a
 * guest that wrote SCRATCH just before a SIGKILL read zeros back from
 * the next daemon (e2e-fault kill-restart: "1 wrong").
 */
static char td_dir[64];

static struct hvb_device *td_dev(struct hvb_devices *tab)
{
	struct hvb_device_args args = {
		.zone_id = TD_ZONE,
		.base = TD_BASE,
		.kick_dev = HVB_TESTDEV_KICK_DEV,
	};
	const char *why = NULL;

	hvb_devices_init(tab);
	cr_assert_eq(hvb_devices_create(tab, HVB_TESTDEV_TYPE, &args, &why),
		     0, "create testdev: %s", why ? why : "?");
	return hvb_devices_lookup(tab, TD_ZONE, TD_BASE, 8);
}

/* A daemon's turn: attach the state with @epoch and @gen; *@resumed. */
static struct hvb_device *td_daemon(struct hvb_devices *tab, __u32 epoch,
				    __u32 gen, bool *resumed)
{
	struct hvb_device *d = td_dev(tab);
	char err[640];

	cr_assert_eq(hvb_testdev_attach_state(d, td_dir, epoch, gen, resumed,
					      err, sizeof(err)), 0, "%s", err);
	return d;
}

static __u64 td_acc(struct hvb_device *d, __u64 off, bool write, __u64 v)
{
	cr_assert_eq(d->ops->access(d, off, 8, write, &v), HVB_STATUS_OK);
	return v;
}

static void td_state_setup(void)
{
	snprintf(td_dir, sizeof(td_dir), "/tmp/hvb-tdstate-XXXXXX");
	cr_assert(mkdtemp(td_dir));
	hvb_log_threshold = HVB_LOG_ERROR;
}

static void td_state_teardown(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/zone%u-%llx.testdev", td_dir,
		 (unsigned)TD_ZONE, (unsigned long long)TD_BASE);
	unlink(path);
	rmdir(td_dir);
}

Test(testdev, registers_outlive_the_daemon_for_its_successor_only,
     .init = td_state_setup, .fini = td_state_teardown)
{
	struct hvb_devices tab;
	struct hvb_device *d;
	bool resumed;

	d = td_daemon(&tab, 1, 0, &resumed);
	cr_expect(!resumed);
	td_acc(d, 0x100, true, 0x1122334455667788ull);
	d->ops->kick(d, 3);
	/* Dies: nothing written back, the mapping is the file. */
	hvb_devices_fini(&tab);

	d = td_daemon(&tab, 2, 0, &resumed);
	cr_expect(resumed, "the successor (epoch 2) resumes");
	cr_expect_eq(td_acc(d, 0x100, false, 0), 0x1122334455667788ull);
	cr_expect_eq(td_acc(d, HVB_TESTDEV_KICK_COUNT(3), false, 0), 1ull);
	hvb_devices_fini(&tab);

	/* Not the successor (epoch 4 after 2): another run, afresh. */
	d = td_daemon(&tab, 4, 0, &resumed);
	cr_expect(!resumed);
	cr_expect_eq(td_acc(d, 0x100, false, 0), 0ull);
	td_acc(d, 0x100, true, 7);
	hvb_devices_fini(&tab);

	/* The zone was stopped for good since: afresh too. */
	d = td_daemon(&tab, 5, 1, &resumed);
	cr_expect(!resumed);
	cr_expect_eq(td_acc(d, 0x100, false, 0), 0ull);
	td_acc(d, 0x100, true, 9);
	/* A zone restart under this daemon zeroes them, file and all. */
	d->ops->zone_reset(d, 2);
	cr_expect_eq(td_acc(d, 0x100, false, 0), 0ull);
	td_acc(d, 0x108, true, 5);
	hvb_devices_fini(&tab);
	d = td_daemon(&tab, 6, 2, &resumed);
	cr_expect(resumed, "the reset's generation is the file's");
	cr_expect_eq(td_acc(d, 0x108, false, 0), 5ull);
	hvb_devices_fini(&tab);
}

Test(testdev, a_state_file_is_checked_and_held_by_one_daemon,
     .init = td_state_setup, .fini = td_state_teardown)
{
	struct hvb_devices tab, tab2;
	struct hvb_device *d, *d2;
	char path[128], err[640];
	bool resumed;
	int fd;

	d = td_daemon(&tab, 1, 0, &resumed);
	/* A second daemon on the same directory and device: refused. */
	d2 = td_dev(&tab2);
	cr_expect_eq(hvb_testdev_attach_state(d2, td_dir, 2, 0, &resumed, err,
					      sizeof(err)), -EBUSY);
	cr_expect(strstr(err, "another daemon holds it"), "%s", err);
	hvb_devices_fini(&tab2);
	hvb_devices_fini(&tab);

	/* A file of another size is refused, never mapped as ours. */
	snprintf(path, sizeof(path), "%s/zone%u-%llx.testdev", td_dir,
		 (unsigned)TD_ZONE, (unsigned long long)TD_BASE);
	fd = open(path, O_WRONLY | O_TRUNC);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "x", 1), 1);
	close(fd);
	d = td_dev(&tab);
	cr_expect_eq(hvb_testdev_attach_state(d, td_dir, 2, 0, &resumed, err,
					      sizeof(err)), -EPROTO);
	cr_expect(strstr(err, "remove it to start the device afresh"), "%s",
		  err);
	/* Still a working device, on its own registers. */
	td_acc(d, 0x10, true, 3);
	cr_expect_eq(td_acc(d, 0x10, false, 0), 3ull);
	hvb_devices_fini(&tab);
}
