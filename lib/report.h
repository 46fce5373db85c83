/*
 * report.h - narration and error reporting shared by every tool.
 *
 * Each kernel-changing step is narrated (under -v) as the call written in
 * the source, its result and what it changed, so a transcript reads like
 * the code.  A failing call is reported once, where it fails, with its
 * varying arguments and, where the cause is known, a hint.
 */
#ifndef CTK_REPORT_H
#define CTK_REPORT_H

#include <stdio.h>

/* Set once by main(): program name used as the prefix of every line. */
void rep_init(const char *argv0);
const char *rep_prog(void);

/* 0 = quiet (errors only), 1 = evidence, 2 = evidence + narration (-v). */
extern int rep_level;

#define REP_QUIET	0
#define REP_EVIDENCE	1
#define REP_NARRATE	2

/*
 * Narrate a step that succeeded: "PROG: CALL = RESULT: EFFECT".
 * call_fmt is printf-style and should read as the call in the source.
 */
void rep_step(long result, const char *effect, const char *call_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * runc's --log FILE and --log-format json: every message also goes to
 * f (if not NULL) as "PROG: MSG", or as JSON lines {"level","msg",
 * "time"} with json; json without f puts the JSON lines on the stream.
 */
void rep_set_log(FILE *f, int json);

/* A line for the log file alone (nothing if there is none): what the
 * caller's log should show of a success. */
void rep_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The numbering of one trace.  Put it in shared memory and the
 * processes of one run count as one trace: taking a number and writing
 * the line happen under the lock, so the lines come out in number order
 * even when two processes narrate at once.
 */
struct rep_steps {
	int last;	/* the number of the last step printed */
	int lock;
};

/* Number every narrated step from steps->last + 1; NULL stops it. */
void rep_number_steps(struct rep_steps *steps);

/*
 * For a process that forks while narrating: the child calls
 * rep_await_steps(mark + 1), mark taken by rep_steps_taken() before the
 * fork, and so waits (a second at most) for the parent to narrate the
 * fork before narrating anything of its own.
 */
int rep_steps_taken(void);
void rep_await_steps(int n);

/* Call observer(call, result, effect) for every step, narrated or not
 * (minicontainer --trace records them); NULL stops it. */
void rep_step_observer(void (*observer)(const char *call, long result,
					const char *effect));

/* Whether rep_step() records anything (narrated, or observed): a caller
 * that must work to describe a step asks first. */
int rep_steps_wanted(void);

/* Call hook(n) after printing numbered step n (tests use it to kill a
 * runtime at a chosen step). */
void rep_step_hook(void (*hook)(int n));

/* Evidence a student should look at (shown unless -q). */
void rep_evidence(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A plain error line "PROG: MESSAGE" (no errno). */
void rep_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Report a failed call once: "PROG: CALL: strerror(errno)", followed by
 * "PROG: hint: ..." when one is known for this call and errno.  Returns -1
 * with errno preserved, so step code can write `return rep_fail(...)`.
 */
int rep_fail(const char *call_fmt, ...) __attribute__((format(printf, 1, 2)));

/* As rep_fail() but with a hint chosen by the caller (NULL: table's). */
int rep_fail_hint(const char *hint, const char *call_fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The table's hint for the call named at the start of call ("mount(..."). */
const char *rep_hint_for(const char *call, int err);

/* s as a JSON string, quotes and escapes included, for --json output. */
void rep_json_str(FILE *f, const char *s);

/* Where the lines go (stderr by default; tests point it at a file). */
void rep_set_stream(FILE *f);

#endif
