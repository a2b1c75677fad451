/* Memory and string functions (C11 7.24, plus the POSIX strdup, strndup, strnlen, strtok_r). */
#ifndef FATA_LIBC_STRING_H
#define FATA_LIBC_STRING_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>
#include <strings.h>

/* Copies n bytes from src to dst; the areas must not overlap. Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
/* Copies n bytes from src to dst; the areas may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n);
/* Sets n bytes at s to (unsigned char)c. Returns s. */
void *memset(void *s, int c, size_t n);
/* Compares n bytes as unsigned char: <0, 0 or >0 as a sorts before, equal to or after b. */
int memcmp(const void *a, const void *b, size_t n);
/* The first of the n bytes at s equal to (unsigned char)c, or NULL. */
void *memchr(const void *s, int c, size_t n);

/* The number of bytes before the terminating NUL. */
size_t strlen(const char *s);
/* strlen(s), but reads at most maxlen bytes and returns at most maxlen. */
size_t strnlen(const char *s, size_t maxlen);
/* Compares two strings as unsigned char: <0, 0 or >0. */
int strcmp(const char *a, const char *b);
/* Compares at most n bytes of two strings, stopping at a NUL. */
int strncmp(const char *a, const char *b, size_t n);

/* Copies src with its NUL to dst. Returns dst. */
char *strcpy(char *restrict dst, const char *restrict src);
/* Copies at most n bytes of src to dst and pads dst with NULs to n bytes. dst is not
 * NUL-terminated when strlen(src) >= n. Returns dst. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
/* Appends src to the string dst. Returns dst. */
char *strcat(char *restrict dst, const char *restrict src);
/* Appends at most n bytes of src to dst and then always a NUL. Returns dst. */
char *strncat(char *restrict dst, const char *restrict src, size_t n);

/* The first (strchr) or last (strrchr) occurrence of (char)c in s, or NULL; c may be '\0',
 * which finds the terminator. */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* The first occurrence of needle in haystack, haystack itself if needle is "", or NULL. */
char *strstr(const char *haystack, const char *needle);
/* The length of the initial part of s made only of bytes in accept (strspn) or only of bytes
 * not in reject (strcspn). */
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);

/* A copy of s in memory from malloc() that the caller frees; NULL (errno ENOMEM) if out of
 * memory. strndup copies at most n bytes and always NUL-terminates. */
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

/*
 * Splits a string into tokens separated by bytes of sep. First call with the string, then with
 * NULL and the same *saveptr. Writes NULs into the string. Returns the next token, or NULL
 * when none is left.
 */
char *strtok_r(char *restrict s, const char *restrict sep, char **restrict saveptr);

/* A constant message for the error number errnum ("Unknown error" for one errno.h does not
 * define). Never NULL; the caller must not modify it. */
char *strerror(int errnum);

#endif
