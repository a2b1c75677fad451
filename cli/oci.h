/*
 * OCI image layouts written by fata package: reproducible tar layers built in memory, blobs named
 * by their SHA-256, and the JSON of an image's config, manifest and index (OCI image spec 1.0).
 */
#ifndef CLI_OCI_H
#define CLI_OCI_H

#include <stddef.h>

#include "buf.h"

/* "sha256:" and 64 hex digits. */
#define OCI_DIGEST_LEN (7 + 64)

/* A blob written to blobs/sha256/: its digest and size. */
struct oci_blob {
	char digest[OCI_DIGEST_LEN + 1];
	size_t size;
};

/* A name and a value (an annotation, a label). */
struct oci_pair {
	const char *name;
	const char *value;
};

/* What one image holds: its layers (uncompressed tars, already written as blobs) and config. */
struct oci_image {
	const struct oci_blob *layers;
	size_t nlayers;
	const struct oci_pair *annotations;	/* on the manifest and as the config's Labels */
	size_t nannotations;
	const char *const *entrypoint;		/* NULL-terminated, or NULL for none */
	const char *const *cmd;			/* NULL-terminated, or NULL for none */
	const char *ref;			/* org.opencontainers.image.ref.name in index.json */
};

/*
 * The tar writer. Every entry gets mtime 0, uid and gid 0, no user or group name, so that the
 * same files give the same bytes; the caller adds entries in sorted order (parents first).
 * `path` is relative (no leading "/") and at most 99 bytes; directories end without "/".
 * Returns 0, or -1 with a message when the name does not fit.
 */
int oci_tar_dir(struct buf *tar, const char *path, char *err, size_t errlen);
int oci_tar_file(struct buf *tar, const char *path, unsigned mode, const void *data, size_t len,
		 char *err, size_t errlen);
/* Ends the archive (two zero blocks). */
void oci_tar_end(struct buf *tar);

/*
 * Starts an image layout in folder `dir`: removes what was there and creates dir/oci-layout and
 * dir/blobs/sha256/. Returns 0, or -1 with a message.
 */
int oci_layout_create(const char *dir, char *err, size_t errlen);

/* Writes `len` bytes as a blob of the layout in `dir` and fills `out`. Returns 0 or -1 (message). */
int oci_blob_put(const char *dir, const void *data, size_t len, struct oci_blob *out, char *err,
		 size_t errlen);

/*
 * Writes the image's config and manifest as blobs and dir/index.json naming the manifest; fills
 * `manifest` with the manifest's blob. Returns 0 or -1 with a message.
 */
int oci_image_write(const char *dir, const struct oci_image *img, struct oci_blob *manifest,
		    char *err, size_t errlen);

/* Appends `s` as a JSON string (quotes and escapes included). */
void oci_json_string(struct buf *b, const char *s);

/* Appends the standard base64 encoding of `len` bytes (urunc.json's values). */
void oci_base64(struct buf *b, const void *data, size_t len);

/*
 * Writes the layout in `dir` as one tar file at `path` (entries sorted, fixed metadata), for
 * `skopeo copy oci-archive:PATH ...`. Returns 0, or -1 with a message.
 */
int oci_layout_tar(const char *dir, const char *path, char *err, size_t errlen);

#endif
