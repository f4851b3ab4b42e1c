/* SPDX-License-Identifier: MIT */
/*
 * teeth.h - what the teeth harness (teeth.c) and the real wait compiled
 * for it (teeth_wait.c) share.
 */
#ifndef HVB_TEETH_H
#define HVB_TEETH_H

/* The stopped clock's one reading; the harness passes it as the wait's
 * start, so the wait's timeout never elapses. */
#define TEETH_CYCLES		1000000ull

/* Exit codes beside 0 (every step passed) and 2 (usage). */
#define TEETH_EXIT_FAIL		1	/* a wrong value, or step 1 failed */
#define TEETH_EXIT_WATCHDOG	3	/* the wait never returned */
#define TEETH_EXIT_GAVE_UP	4	/* the wait timed out on the stopped clock */

#endif /* HVB_TEETH_H */
