/*
 * asan-defaults.c - linked into make check-asan's binaries only: the
 * sanitizers' options when the environment does not carry them.
 *
 * podman and containerd start the runtime with an environment of their
 * own, so ASAN_OPTIONS does not reach it there.  Without it the
 * LeakSanitizer runs at exit, in a process that has joined a container's
 * mount and PID namespaces, where /proc is not its own: its
 * stop-the-world never finds the threads it looks for, and the runtime
 * spins at exit forever (a podman exec timed out on it).  And a report
 * would go to stderr, where nobody reads it, instead of CTK_ASAN_LOGS.
 * The environment's options, when set, come after these and win.
 */
#ifndef CTK_ASAN_LOGS
#error "CTK_ASAN_LOGS: the directory for the sanitizers' reports"
#endif

#define LOG_OPTS "abort_on_error=1:log_exe_name=1:log_path=" CTK_ASAN_LOGS

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0:" LOG_OPTS "/asan";
}

const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1:" LOG_OPTS "/ubsan";
}
