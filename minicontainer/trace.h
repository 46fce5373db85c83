#ifndef MC_TRACE_H
#define MC_TRACE_H

/*
 * minicontainer --trace FILE: every step of a start as an event of the
 * Chrome trace-event format (the JSON array form), so chrome://tracing,
 * Perfetto or speedscope show where the time goes.  Each step is a
 * complete event ("ph": "X") from the end of the previous step of the
 * same process to its own end, named by its call; its arguments hold the
 * whole call, the result and the effect.  Every process of the start
 * (runtime, init, monitor) appends to the one file, one write(2) per
 * event (O_APPEND), so events never interleave.
 */

/* Open (truncate) path and start the clock.  0, or -1 (reported). */
int trace_open(const char *path);

/* An event of this process that is no narrated step: from its last step
 * (or event) to now, named name.  The runtime marks the end of the
 * start with it: the command's own last steps (credentials, filter,
 * execve) run after close_range(2) took the trace from it. */
void trace_event(const char *name);

/* The process that started the trace, once the container has ended:
 * the whole run as one last event, and the array closed (the file is
 * then valid JSON).  Nothing if no trace is open. */
void trace_close(const char *name);

#endif
