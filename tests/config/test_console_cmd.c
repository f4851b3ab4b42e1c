// SPDX-License-Identifier: MIT
/*
 * Description: `hvbridge console` and the daemon's console links
 * (tool/console_link.h, docs/virtio-console.md): a daemon on the sim
 * transport with a pty console and a unix-socket console for zone 1
 * links both from its state directory once it serves; the command
 * refuses to guess between two consoles, names a zone without one,
 * sends a script's stdin and leaves 1 s after its end, gives up on
 * --until at --timeout, and a --read-only reader ends when the daemon
 * does; a stopped daemon removes its links, a killed one leaves them
 * stale, and the command refuses them even when the dead daemon's pty
 * number is already another program's terminal.  The data path through a real
 * guest is make run-linux's (tests/linux).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cfgtest.h"
#include "clirun.h"

#define BIN	HVB_TEST_HVBRIDGE

static char con_dir[64];

static void con_setup(void)
{
	snprintf(con_dir, sizeof(con_dir), "/tmp/hvb-contest-XXXXXX");
	cr_assert(mkdtemp(con_dir), "mkdtemp");
}

static void con_teardown(void)
{
	cli_remove_dir(con_dir);
}

TestSuite(console_cmd, .init = con_setup, .fini = con_teardown,
	  .timeout = CFG_CLI_TIMEOUT_S);

/* The sim region, the zone's memory and the config with two consoles;
 * then "$start": a daemon (pid in $pid) serving, log in d.log. */
static const char con_prologue[] =
	"set -u\n"
	"cd %s\n"
	"truncate -s 16M ram\n"
	HVB_TEST_SIM " --cpus 1 --requests 0 --keep-region --region $PWD/region >/dev/null 2>&1 || exit 9\n"
	"cat > cfg.json <<EOF\n"
	"{ \"version\": 1, \"transport\": { \"type\": \"sim\", \"region\": \"$PWD/region\",\n"
	"  \"memory\": \"$PWD/ram\", \"memory_base\": \"0x50000000\" },\n"
	"  \"daemon\": { \"log_level\": \"info\", \"state_dir\": \"$PWD/st\" },\n"
	"  \"zones\": [ { \"id\": 1, \"memory\": [ { \"phys\": \"0x50000000\", \"ipa\": \"0x50000000\", \"size\": \"0x1000000\" } ],\n"
	"    \"devices\": [ { \"type\": \"virtio-console\", \"base\": \"0x0a003800\", \"size\": \"0x200\", \"irq\": 76 },\n"
	"      { \"type\": \"virtio-console\", \"base\": \"0x0a003a00\", \"size\": \"0x200\", \"irq\": 77,\n"
	"        \"options\": { \"mode\": \"unix\", \"path\": \"$PWD/con.sock\" } } ] } ] }\n"
	"EOF\n"
	"start() {\n"
	"  " BIN " daemon -c cfg.json 2>>d.log & pid=$!\n"
	"  for i in $(seq 100); do [ $(grep -c serving d.log) -ge $1 ] && return; sleep 0.1; done\n"
	"  echo 'daemon did not serve'; cat d.log; exit 9\n"
	"}\n"
	"con() { " BIN " console \"$@\" --state-dir st; echo \"rc=$?\"; }\n";

static void con_script(struct cli_run *r, const char *body)
{
	char path[128], cmd[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.sh", con_dir);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, con_prologue, con_dir);
	fputs(body, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sh %s", path);
	cli_run_in(con_dir, 40, r, cmd);
}

Test(console_cmd, links_and_script_use)
{
	struct cli_run r;

	con_script(&r,
		"start 1\n"
		"echo \"pty-link=$(readlink st/zone1-a003800.console)\"\n"
		"echo \"unix-link=$(readlink st/zone1-a003a00.console)\"\n"
		"con 1\n"
		"con 2\n"
		"t0=$(date +%s%N)\n"
		"printf 'hello\\n' | con 1 --base 0xa003a00\n"
		"echo \"linger-ms=$((($(date +%s%N) - t0) / 1000000))\"\n"
		"printf 'x\\n' | con 1 --base 0xa003a00 --until never-said --timeout 1\n"
		"con 1 --base 0xa003800 --read-only > ro.out & ro=$!\n"
		"sleep 0.5\n"
		"kill -TERM $pid; wait $pid\n"
		"wait $ro; echo \"ro-rc=$?\"\n"
		"ls st | grep -c 'console$' | sed 's/^/links-after-stop=/'\n"
		"ls st | grep -c 'console.owner$' | sed 's/^/owners-after-stop=/'\n");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "pty-link=/dev/pts/"), "%s", r.out);
	cr_expect(strstr(r.out, "/con.sock\n"), "%s", r.out);
	cr_expect(strstr(r.err, "zone 1 has 2 consoles; pick one with --base"),
		  "%s", r.err);
	cr_expect(strstr(r.err, "no console of zone 2 in st"), "%s", r.err);
	/* Two refusals, then the script's send: exit 0 about 1 s after
	 * its stdin ended; --until never seen: exit 1. */
	cr_expect(strstr(r.out, "rc=1\nrc=1\nrc=0\n"), "%s", r.out);
	cr_expect(strstr(r.err, "no 'never-said' from zone 1 within 1 s"),
		  "%s", r.err);
	cr_expect(strstr(r.out, "ro-rc=0"), "%s", r.out);
	cr_expect(strstr(r.out, "links-after-stop=0"), "%s", r.out);
	/* Owner files stay, unlocked: the next daemon reuses them. */
	cr_expect(strstr(r.out, "owners-after-stop=2"), "%s", r.out);
	{
		const char *l = strstr(r.out, "linger-ms=");
		long ms = l ? strtol(l + 10, NULL, 10) : -1;

		cr_expect(ms >= 900 && ms < 10000, "lingered %ld ms: %s", ms,
			  r.out);
	}
}

/*
 * A killed daemon's pty number goes to the next program that asks for a
 * pty: `script` takes one here.  The stale link then points at that
 * program's terminal, a live character device, and only the owner
 * file's lock tells that its daemon is gone.
 */
Test(console_cmd, killed_daemon_leaves_a_stale_link)
{
	struct cli_run r;

	con_script(&r,
		"start 1\n"
		"kill -KILL $pid; wait $pid\n"
		"ls st | grep -c 'console$' | sed 's/^/links-after-kill=/'\n"
		"script -qc 'sleep 20' /dev/null </dev/null >/dev/null 2>&1 & grab=$!\n"
		"sleep 0.5\n"
		"[ -c \"$(readlink st/zone1-a003800.console)\" ] && echo 'stale-link-is-a-live-tty'\n"
		"printf 'secret\\n' | con 1 --base 0xa003800\n"
		"printf 'secret\\n' | con 1 --base 0xa003a00\n"
		"start 2\n"
		"con 1 --base 0xa003800 --read-only --timeout 1\n"
		"kill $grab\n"
		"kill -TERM $pid; wait $pid\n");
	cr_assert_eq(r.status, 0, "%s\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "links-after-kill=2"), "%s", r.out);
	cr_expect(strstr(r.err, "zone1-a003800.console: stale: no daemon holds"),
		  "%s", r.err);
	cr_expect(strstr(r.err, "zone1-a003a00.console: stale: no daemon holds"),
		  "%s", r.err);
	/* Both refused; the next daemon replaces the stale link:
	 * --read-only attaches and leaves at its --timeout. */
	cr_expect(strstr(r.out, "rc=1\nrc=1\nrc=0\n"), "%s", r.out);
}
