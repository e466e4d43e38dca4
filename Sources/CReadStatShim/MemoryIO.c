// ReadStat I/O handlers over a buffer in memory. ReadStat calls them
// through its `readstat_io_t`; each returns an error code or -1, never
// longjmps. A read past the end returns what is left (0 at the end), which
// ReadStat reports as a truncated file.
#include "CReadStatShim.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  const unsigned char *data;
  size_t length;
  size_t position;
} memory_io;

static int memory_open(const char *path, void *io_ctx) {
  (void)path;
  memory_io *io = io_ctx;
  io->position = 0;
  return 0;
}

static int memory_close(void *io_ctx) {
  (void)io_ctx;
  return 0;
}

static readstat_off_t memory_seek(readstat_off_t offset, readstat_io_flags_t whence, void *io_ctx) {
  memory_io *io = io_ctx;
  readstat_off_t base;
  switch (whence) {
  case READSTAT_SEEK_SET: base = 0; break;
  case READSTAT_SEEK_CUR: base = (readstat_off_t)io->position; break;
  case READSTAT_SEEK_END: base = (readstat_off_t)io->length; break;
  default: return -1;
  }
  if ((offset > 0 && base > (readstat_off_t)io->length) || (offset < 0 && -offset > base)) return -1;
  readstat_off_t target = base + offset;
  if (target < 0 || target > (readstat_off_t)io->length) return -1;
  io->position = (size_t)target;
  return target;
}

static ssize_t memory_read(void *buf, size_t nbyte, void *io_ctx) {
  memory_io *io = io_ctx;
  size_t left = io->length - io->position;
  size_t n = nbyte < left ? nbyte : left;
  if (n > 0) memcpy(buf, io->data + io->position, n);
  io->position += n;
  return (ssize_t)n;
}

static readstat_error_t memory_update(long file_size, readstat_progress_handler progress_handler,
                                      void *user_ctx, void *io_ctx) {
  memory_io *io = io_ctx;
  if (!progress_handler || file_size <= 0) return READSTAT_OK;
  if (progress_handler((double)io->position / (double)file_size, user_ctx) != READSTAT_HANDLER_OK) {
    return READSTAT_ERROR_USER_ABORT;
  }
  return READSTAT_OK;
}

readstat_error_t kaplan_readstat_use_memory(readstat_parser_t *parser, const void *data, size_t length) {
  memory_io *io = calloc(1, sizeof(memory_io));
  if (!io) return READSTAT_ERROR_MALLOC;
  io->data = data;
  io->length = length;
  readstat_error_t error = READSTAT_OK;
  if ((error = readstat_set_open_handler(parser, memory_open)) != READSTAT_OK ||
      (error = readstat_set_close_handler(parser, memory_close)) != READSTAT_OK ||
      (error = readstat_set_seek_handler(parser, memory_seek)) != READSTAT_OK ||
      (error = readstat_set_read_handler(parser, memory_read)) != READSTAT_OK ||
      (error = readstat_set_update_handler(parser, memory_update)) != READSTAT_OK) {
    free(io);
    return error;
  }
  // The parser frees its io context when it is freed (io_ctx_needs_free).
  error = readstat_set_io_ctx(parser, io);
  if (error != READSTAT_OK) {
    free(io);
    return error;
  }
  parser->io->io_ctx_needs_free = 1;
  return READSTAT_OK;
}
