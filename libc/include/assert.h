/* assert(): on failure prints file, line, function and expression, then aborts (status 255).
 * Deliberately without an include guard: each inclusion redefines assert after NDEBUG (C11 7.2). */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef FATA_LIBC_ASSERT_H
#define FATA_LIBC_ASSERT_H

#define static_assert _Static_assert

/* What a failed assert() calls: prints "FILE:LINE: FUNC: assertion 'EXPR' failed" to the console,
 * then abort(). */
_Noreturn void __assert_fail(const char *expr, const char *file, unsigned int line,
			     const char *func);

#endif
