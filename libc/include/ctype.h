/* Character classes and case mapping for ASCII (the "C" locale; bytes 128-255 are in no class). */
#ifndef FATA_LIBC_CTYPE_H
#define FATA_LIBC_CTYPE_H

/* Each takes an int that is EOF or an unsigned char value and returns nonzero if c is in the
 * class. Values outside 0..127 (EOF included) are in no class. */
int isalnum(int c);	/* letter or digit */
int isalpha(int c);	/* A-Z a-z */
int iscntrl(int c);	/* 0-31 and 127 */
int isdigit(int c);	/* 0-9 */
int isgraph(int c);	/* printable, not space: 33-126 */
int islower(int c);	/* a-z */
int isprint(int c);	/* 32-126 */
int ispunct(int c);	/* graph but not alnum */
int isspace(int c);	/* space \t \n \v \f \r */
int isupper(int c);	/* A-Z */
int isxdigit(int c);	/* 0-9 a-f A-F */

/* The other case of an ASCII letter; any other value is returned unchanged. */
int tolower(int c);
int toupper(int c);

#endif
