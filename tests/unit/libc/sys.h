/* The libc test's view of Linux: raw system calls and a console that tests can redirect. */
#ifndef FATA_TEST_LIBC_SYS_H
#define FATA_TEST_LIBC_SYS_H

#include <stddef.h>
#include <sys/types.h>

/* write(2) all of buf to fd, retrying short writes. */
void sys_write_all(int fd, const char *buf, size_t len);
ssize_t sys_read(int fd, void *buf, size_t len);
int sys_close(int fd);
/* pipe2(fds, 0): 0 or -errno. */
int sys_pipe(int fds[2]);
/* fork(2): the child's pid, 0 in the child, or -errno. */
int sys_fork(void);
/* Waits for pid: its exit status (0-255), or -signal if a signal killed it, or -1000 on error. */
int sys_wait(int pid);
_Noreturn void sys_exit(int status);

/* plat_console_write() writes to this fd (1 at start). */
extern int console_fd;

/* Between capture_start() and capture_stop(), plat_console_write() appends to capture_buf
 * (truncating at its size) instead of writing, and counts its calls in capture_writes. */
extern char capture_buf[8192];
extern size_t capture_len;
extern int capture_writes;
void capture_start(void);
void capture_stop(void);

#endif
