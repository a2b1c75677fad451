/* Logging: timestamped lines with a level and a named source, as MirageOS's Logs prints them. */
#ifndef FATA_LOG_H
#define FATA_LOG_H

#include <stdarg.h>

enum fata_log_level {
	FATA_LOG_QUIET = -1,	/* only as a threshold: print nothing */
	FATA_LOG_APP = 0,
	FATA_LOG_ERROR,
	FATA_LOG_WARNING,
	FATA_LOG_INFO,
	FATA_LOG_DEBUG,
};

/*
 * A log source. Define one per module with FATA_LOG_SOURCE(); its threshold comes from the
 * -l/--logs runtime key (default info) the first time it is used.
 */
struct fata_log_src {
	const char *name;
	int level;			/* threshold; meaningful once `ready` */
	int ready;
};

#define FATA_LOG_SOURCE(var, srcname) static struct fata_log_src var = { .name = (srcname) }

/* The source unikernel code logs to by default: "application". */
extern struct fata_log_src fata_log_application;

/* True if a message of `level` from `src` would be printed. */
int fata_log_enabled(struct fata_log_src *src, enum fata_log_level level);

/*
 * Prints one line "YYYY-MM-DD HH:MM:SS +HH:MM: LVL [source] message" to the console, in one
 * write. The text of `fmt` is printed as written (a format may span several lines), but what %s
 * and %c produce has its control characters escaped (newline as \n, CR \r, tab \t, others
 * \xHH), since those strings may come from keys or the network. Lines are cut at 2 KiB.
 */
void fata_log(struct fata_log_src *src, enum fata_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fata_vlog(struct fata_log_src *src, enum fata_log_level level, const char *fmt, va_list ap);

/*
 * Sets thresholds from a -l/--logs specification: comma-separated LEVEL or SRC:LEVEL, with "*" as
 * every source, e.g. "*:debug" or "netif:debug,tcp:info". Levels: quiet, app, error, warning, info,
 * debug. Returns 0, or -1 if the specification is malformed (nothing is changed then).
 */
int fata_log_set_spec(const char *spec);

/* Formats the line header "YYYY-MM-DD HH:MM:SS +HH:MM: LVL [source] " for the given time. */
int fata_log_format_header(char *buf, int len, long long unix_secs, int offset_min,
			   enum fata_log_level level, const char *src);

/* Shorthands for the unikernel's own messages, logged under "application". */
#define fata_app(...)   fata_log(&fata_log_application, FATA_LOG_APP, __VA_ARGS__)
#define fata_err(...)   fata_log(&fata_log_application, FATA_LOG_ERROR, __VA_ARGS__)
#define fata_warn(...)  fata_log(&fata_log_application, FATA_LOG_WARNING, __VA_ARGS__)
#define fata_info(...)  fata_log(&fata_log_application, FATA_LOG_INFO, __VA_ARGS__)
#define fata_debug(...) fata_log(&fata_log_application, FATA_LOG_DEBUG, __VA_ARGS__)

#endif
