// SPDX-License-Identifier: MIT
/*
 * Description: run a fuzz target over files and directories of inputs
 * without libFuzzer, so the corpus (and every crash kept in it as a
 * regression input) also runs in builds with any compiler.  Prints
 * "replayed N inputs"; a broken invariant aborts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 1;
}

static unsigned int replay(const char *path)
{
	struct dirent *de;
	unsigned int n = 0;
	struct stat st;
	DIR *dir;

	if (stat(path, &st)) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	dir = opendir(path);
	if (!dir) {
		perror(path);
		exit(2);
	}
	while ((de = readdir(dir))) {
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		n += replay(sub);
	}
	closedir(dir);
	return n;
}

int main(int argc, char **argv)
{
	unsigned int n = 0;
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		n += replay(argv[i]);
	printf("replayed %u inputs\n", n);
	return 0;
}
