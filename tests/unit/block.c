/* Unit tests of the block device's request checks (lib/block.c) over a real file on unix. */
#include <fata/block.h>
#include <fata/runtime.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static struct fata_key no_keys[1];
const struct fata_unikernel fata_unikernel = { .name = "test", .keys = no_keys };

int main(void)
{
	char path[] = "/tmp/fata-block-test.XXXXXX";
	unsigned char w[2048], r[2048];
	struct fata_block_info info;
	struct fata_block *b;
	int fd = mkstemp(path);

	ok(fd >= 0 && ftruncate(fd, 100 * 512) == 0, "a 100-sector file");
	close(fd);
	b = fata_block_connect("storage", path);
	ok(b != NULL, "connect");
	if (!b)
		return tap_done();
	fata_block_info(b, &info);
	ok(info.sectors == 100 && info.sector_size == 512 && info.read_write, "info: 100 x 512, rw");
	for (unsigned i = 0; i < sizeof(w); i++)
		w[i] = (unsigned char)(i * 7 + 3);
	is_int(fata_block_write(b, 96, w, 2048), 0, "write the last four sectors");
	is_int(fata_block_read(b, 96, r, 2048), 0, "read them back");
	ok(memcmp(w, r, 2048) == 0, "same bytes");
	is_int(fata_block_read(b, 99, r, 512), 0, "read the last sector");
	is_int(fata_block_read(b, 100, r, 512), -ERANGE, "read at the end: ERANGE");
	is_int(fata_block_read(b, 97, r, 2048), -ERANGE, "read across the end: ERANGE");
	is_int(fata_block_write(b, UINT64_MAX, w, 512), -ERANGE, "huge sector: ERANGE, no overflow");
	is_int(fata_block_write(b, UINT64_MAX / 512 + 1, w, 1024), -ERANGE,
	       "sector whose byte offset overflows: ERANGE");
	is_int(fata_block_read(b, 0, r, 100), -EINVAL, "partial sector: EINVAL");
	is_int(fata_block_read(b, 0, r, 0), -EINVAL, "zero length: EINVAL");
	is_int(fata_block_read(b, 0, NULL, 512), -EINVAL, "NULL buffer: EINVAL");
	is_int(fata_block_flush(b), 0, "flush");

	/* A read-only backing file: as root the kernel would let us write it anyway, so check from
	 * a child that has dropped to an unprivileged user. */
	chmod(path, 0444);
	{
		pid_t pid = fork();
		int status = -1;

		if (pid == 0) {
			struct fata_block *ro;

			if (geteuid() == 0 && setuid(65534) < 0)
				_exit(2);
			ro = fata_block_connect("ro", path);
			if (!ro)
				_exit(3);
			fata_block_info(ro, &info);
			_exit(!info.read_write && fata_block_read(ro, 0, r, 512) == 0 &&
			      fata_block_write(ro, 0, w, 512) == -EROFS && fata_block_flush(ro) == -EROFS
			      ? 0 : 4);
		}
		waitpid(pid, &status, 0);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "read-only file: read_write=false, reads work, writes and flush give EROFS");
	}
	ok(fata_block_connect("missing", "/nonexistent/disk.img") == NULL, "missing file: NULL");
	fata_block_disconnect(b);
	unlink(path);
	return tap_done();
}
