/* SPDX-License-Identifier: ISC */
/*
 * libmult kernel module: the self-test run at load.
 */
#ifndef MULT_SELFTEST_H
#define MULT_SELFTEST_H

/*
 * Run the self-test and print exactly one line,
 * "libmult-selftest: PASS n=<checks>" or "libmult-selftest: FAIL reason=...".
 * @inject: "" for a real run; "fail" forces a FAIL line, "silent" prints
 * nothing, "panic" panics (to test the harness that reads the verdict).
 * Returns 0 on PASS.
 */
int mult_selftest_run(const char *inject);

#endif /* MULT_SELFTEST_H */
