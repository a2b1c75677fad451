/* Splits the command line a Solo5 tender passes (one string) into argv, honouring quotes. */
#include "solo5.h"

/*
 * Arguments are separated by spaces or tabs. Inside an argument, "..." groups text with spaces
 * and a backslash takes the next character literally (inside quotes too), so `--hello="Hi there"`
 * and `--x=a\ b` each arrive as one argument without the quotes and backslashes. The string is
 * rewritten in place. Returns the number of arguments stored, at most max - 1; argv[n] is NULL.
 */
int solo5_cmdline_split(char *s, char **argv, int max)
{
	int n = 0;

	while (*s && n < max - 1) {
		char *out;
		int quoted = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		argv[n++] = out = s;
		for (; *s; s++) {
			if (*s == '\\' && s[1]) {
				*out++ = *++s;
			} else if (*s == '"') {
				quoted = !quoted;
			} else if (!quoted && (*s == ' ' || *s == '\t')) {
				s++;
				break;
			} else {
				*out++ = *s;
			}
		}
		*out = '\0';
	}
	argv[n] = 0;
	return n;
}
