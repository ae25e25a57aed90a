/*
 * libmult fuzz replay: feed every file named on the command line, and every
 * regular file of every directory named, to LLVMFuzzerTestOneInput(), once,
 * in name order. Built with the normal compiler (no libFuzzer), so every
 * ctest run, and the sanitizer presets, replay the corpus.
 * SPDX-License-Identifier: ISC
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long files;

static int
one(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		if (f != NULL)
			fclose(f);
		return 1;
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	files++;
	return 0;
}

static int
cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char **argv)
{
	int i, err = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent **ents;
		int n, k;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: no such file\n", argv[i]);
			err = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			err |= one(argv[i]);
			continue;
		}
		n = scandir(argv[i], &ents, NULL, cmp);
		for (k = 0; k < n; k++) {
			char path[4096];

			snprintf(path, sizeof path, "%s/%s", argv[i], ents[k]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				err |= one(path);
			free(ents[k]);
		}
		free(ents);
	}
	printf("replay: %ld inputs\n", files);
	if (files == 0) {
		fprintf(stderr, "replay: no inputs\n");
		return 1;
	}
	return err;
}
