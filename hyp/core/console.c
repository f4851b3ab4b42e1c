// SPDX-License-Identifier: MIT
/*
 * The write-only console window (hyp/console.h): a guest's bytes become
 * whole, escaped, bounded lines on the hypervisor's console.
 */
#include <hyp/console.h>
#include <hyp/printk.h>

/* Print the line so far; @cut: it goes on, mark it with a '\'. */
static void console_flush(struct hyp_console *con, int cut)
{
	con->line[con->len] = '\0';
	hyp_printk("[%s] %s%s\n", con->name, con->line, cut ? "\\" : "");
	con->len = 0;
}

/* Append @n characters of @s, first printing a full line if they do not
 * fit: an escape is never split across two printed lines. */
static void console_put(struct hyp_console *con, const char *s, __u32 n)
{
	__u32 i;

	if (HYP_CONSOLE_LINE - con->len < n)
		console_flush(con, 1);
	for (i = 0; i < n; i++)
		con->line[con->len++] = s[i];
}

static void console_byte(struct hyp_console *con, __u8 c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 0xf] };

	if (c == '\n') {
		console_flush(con, 0);
	} else if (c == '\\') {
		console_put(con, "\\\\", 2);
	} else if (c >= 0x20 && c < 0x7f) {
		esc[0] = (char)c;
		console_put(con, esc, 1);
	} else if (c != '\r') {
		console_put(con, esc, 4);
	}
}

enum hyp_mmio_result hyp_console_access(void *priv, __u64 offset,
					__u32 size, int is_write,
					__u64 *value)
{
	struct hyp_console *con = priv;

	if (!is_write || offset != HYP_CONSOLE_TX || (size != 1 && size != 4))
		return HYP_MMIO_ERROR;
	hyp_spin_lock(&con->lock);
	console_byte(con, (__u8)*value);
	hyp_spin_unlock(&con->lock);
	return HYP_MMIO_OK;
}
