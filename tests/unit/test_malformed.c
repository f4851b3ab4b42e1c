// SPDX-License-Identifier: MIT
/*
 * Description: a malformed request in the ring gets an error response and
 * never reaches the device model; an access no device claims gets
 * NO_DEVICE; the daemon counts both and carries on, and the next good
 * request on the same slot is served correctly.  The bad requests are
 * written into the slot field by field, as a buggy or hostile producer
 * would, then announced the normal way (release req.seq, pending bit).
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(malformed, .timeout = UNIT_SUITE_TIMEOUT_S);

#define MAL_CPUS	4u
#define MAL_CPU		2u
#define MAL_ADDR	0x0b003000ull	/* 8-byte aligned */

struct mal_env {
	void *mem;
	__u64 size;
	struct hvb_cpu_slot *slot;
	struct hvb_daemon_stats *ds;
	struct hvb_cpu_stats *st;
	struct hyp_producer p;
	struct hvb_consumer c;
	struct unit_dev dev;
	unsigned int good;
};

static void mal_setup(struct mal_env *e)
{
	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(MAL_CPUS, &e->size);
	e->slot = hvb_region_slot(e->mem, MAL_CPU);
	e->ds = hvb_region_daemon_stats(e->mem);
	e->st = unit_cpu_stats(e->mem, MAL_CPU);
	unit_producer_attach(&e->p, e->mem, e->size, MAL_CPU);
	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
}

/* A good request through the real producer on the same slot, a read
 * and a write in turn; asserts it is served correctly. */
static void mal_expect_good_request(struct mal_env *e, const char *after)
{
	unsigned int calls = e->dev.sync_calls;
	__u64 addr = MAL_ADDR + 8 * (e->good % 16);
	bool write = e->good++ & 1;
	__u64 value = write ? 0x1122334455667788ull ^ addr : 0;
	hyp_status_t st;

	st = unit_roundtrip(&e->c, &e->p, addr, 8,
			    write ? HVB_REQ_WRITE : 0, &value);
	cr_expect_eq(st, HVB_STATUS_OK, "after %s: status %u", after, st);
	cr_expect_eq(e->dev.sync_calls, calls + 1, "after %s", after);
	cr_expect_eq(e->dev.last.addr, addr, "after %s", after);
	cr_expect_eq(e->dev.last.cpu_echo, MAL_CPU, "after %s", after);
	if (write) {
		cr_expect_eq(e->dev.last.flags, HVB_REQ_WRITE);
		cr_expect_eq(e->dev.last.value, 0x1122334455667788ull ^ addr,
			     "after %s: write data", after);
		cr_expect_eq(value, 0x1122334455667788ull ^ addr,
			     "a write's data is not overwritten");
	} else {
		cr_expect_eq(value, unit_dev_value(addr, 8), "after %s: %#llx",
			     after, (unsigned long long)value);
	}
}

/* Write a request as a hostile producer of CPU MAL_CPU would. */
static __u64 mal_publish_raw(struct mal_env *e, __u64 addr, __u32 size,
			     __u32 flags, __u32 cpu_echo)
{
	struct hvb_sync_req *r = &e->slot->req;
	__u64 seq = e->p.next_seq++;

	hvb_write_once_u64(&r->addr, addr);
	hvb_write_once_u64(&r->value, 0);
	hvb_write_once_u32(&r->zone_id, 1);
	hvb_write_once_u32(&r->cpu, cpu_echo);
	hvb_write_once_u32(&r->size, size);
	hvb_write_once_u32(&r->flags, flags);
	hvb_store_release_u64(&r->seq, seq);
	hvb_fetch_or_u64(&hvb_region_pending(e->mem)->cpu_bits[MAL_CPU / 64],
			 1ull << (MAL_CPU % 64));
	return seq;
}

static void mal_expect_invalid(struct mal_env *e, __u64 addr, __u32 size,
			       __u32 flags, __u32 cpu_echo, const char *what)
{
	unsigned int calls = e->dev.sync_calls;
	__u64 malformed = e->ds->malformed, errors = e->st->served_errors;
	__u64 seq = mal_publish_raw(e, addr, size, flags, cpu_echo);

	hvb_consumer_poll(&e->c);
	cr_expect_eq(hvb_load_acquire_u64(&e->slot->resp.seq), seq,
		     "%s: not answered", what);
	cr_expect_eq(e->slot->resp.status, HVB_STATUS_INVALID,
		     "%s: answered with status %u", what,
		     e->slot->resp.status);
	cr_expect_eq(e->dev.sync_calls, calls,
		     "%s: handed to the device model", what);
	cr_expect_eq(e->ds->malformed, malformed + 1, "%s: not counted",
		     what);
	cr_expect_eq(e->st->served_errors, errors + 1, "%s", what);
	mal_expect_good_request(e, what);
}

Test(malformed, a_size_other_than_1_2_4_or_8_is_answered_invalid)
{
	struct mal_env e;

	mal_setup(&e);
	mal_expect_invalid(&e, MAL_ADDR, 0, 0, MAL_CPU, "size 0");
	mal_expect_invalid(&e, MAL_ADDR, 3, 0, MAL_CPU, "size 3");
	mal_expect_invalid(&e, MAL_ADDR, 16, 0, MAL_CPU, "size 16");
	mal_expect_invalid(&e, MAL_ADDR, 16, HVB_REQ_WRITE, MAL_CPU,
			   "write of size 16");
	mal_expect_invalid(&e, MAL_ADDR, ~0u, 0, MAL_CPU, "size 2^32 - 1");
}

Test(malformed, unknown_flag_bits_are_answered_invalid)
{
	struct mal_env e;

	mal_setup(&e);
	mal_expect_invalid(&e, MAL_ADDR, 4, 1u << 1, MAL_CPU, "flag bit 1");
	mal_expect_invalid(&e, MAL_ADDR, 4, HVB_REQ_WRITE | 1u << 2,
			   MAL_CPU, "write with flag bit 2");
	mal_expect_invalid(&e, MAL_ADDR, 4, 1u << 31, MAL_CPU, "flag bit 31");
}

Test(malformed, a_cpu_echo_other_than_the_slot_index_is_answered_invalid)
{
	struct mal_env e;

	mal_setup(&e);
	mal_expect_invalid(&e, MAL_ADDR, 4, 0, MAL_CPU + 1, "echo of CPU 3");
	mal_expect_invalid(&e, MAL_ADDR, 4, 0, 0, "echo of CPU 0");
	mal_expect_invalid(&e, MAL_ADDR, 4, 0, MAL_CPUS, "echo past nr_cpus");
	mal_expect_invalid(&e, MAL_ADDR, 4, 0, ~0u, "echo of 2^32 - 1");
}

Test(malformed, an_unaligned_address_is_answered_invalid)
{
	struct mal_env e;

	mal_setup(&e);
	mal_expect_invalid(&e, MAL_ADDR + 1, 2, 0, MAL_CPU, "2 bytes at +1");
	mal_expect_invalid(&e, MAL_ADDR + 2, 4, 0, MAL_CPU, "4 bytes at +2");
	mal_expect_invalid(&e, MAL_ADDR + 4, 8, HVB_REQ_WRITE, MAL_CPU,
			   "8-byte write at +4");
	mal_expect_invalid(&e, ~0ull - 3, 8, 0, MAL_CPU,
			   "8 bytes wrapping the address space");
}

Test(malformed, an_access_no_device_claims_is_answered_no_device)
{
	struct mal_env e;
	__u64 value = 0x5a5a5a5a5a5a5a5aull;
	unsigned int calls;

	mal_setup(&e);
	e.dev.nodev_lo = 0x0c000000ull;
	e.dev.nodev_hi = 0x0d000000ull;
	calls = e.dev.sync_calls;
	cr_expect_eq(unit_roundtrip(&e.c, &e.p, 0x0c000010ull, 4, 0, &value),
		     HVB_STATUS_NO_DEVICE);
	cr_expect_eq(value, 0x5a5a5a5a5a5a5a5aull,
		     "a failed read does not hand back data");
	cr_expect_eq(e.dev.sync_calls, calls + 1, "the model decides");
	cr_expect_eq(e.ds->no_device, 1ull);
	cr_expect_eq(e.ds->malformed, 0ull);
	cr_expect_eq(e.st->served_errors, 1ull);
	cr_expect_eq(e.st->error_responses, 1ull, "the producer counted it");
	mal_expect_good_request(&e, "no device");
}

Test(malformed, a_device_error_reaches_the_producer_but_a_timeout_never_does)
{
	struct mal_env e;
	__u64 value = 7;

	mal_setup(&e);
	e.dev.status = HVB_STATUS_IO_ERROR;
	cr_expect_eq(unit_roundtrip(&e.c, &e.p, MAL_ADDR, 8, 0, &value),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(value, 7ull, "a failed read does not hand back data");
	/* TIMEOUT is producer-local: a model that returns it must not make
	 * the vCPU believe its own wait gave up. */
	e.dev.status = HVB_STATUS_TIMEOUT;
	cr_expect_eq(unit_roundtrip(&e.c, &e.p, MAL_ADDR, 8, 0, &value),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(e.st->timeouts, 0ull);
	cr_expect_eq(e.st->error_responses, 2ull);
	e.dev.status = HVB_STATUS_OK;
	mal_expect_good_request(&e, "device errors");
}

Test(malformed, a_pending_bit_beyond_the_cpu_count_is_ignored)
{
	struct mal_env e;
	__u32 cpu;

	mal_setup(&e);
	/* Bits 4..63: no slot behind them. */
	hvb_fetch_or_u64(&hvb_region_pending(e.mem)->cpu_bits[0],
			 ~0ull << MAL_CPUS);
	hvb_fetch_or_u64(&hvb_region_pending(e.mem)->cpu_bits[3], ~0ull);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.dev.sync_calls, 0u);
	for (cpu = 0; cpu < MAL_CPUS; cpu++)
		cr_expect_eq(hvb_region_slot(e.mem, cpu)->resp.seq, 0ull,
			     "CPU %u got a completion for nothing", cpu);
	cr_expect_eq(e.ds->served, 0ull);
	mal_expect_good_request(&e, "stray pending bits");
}
