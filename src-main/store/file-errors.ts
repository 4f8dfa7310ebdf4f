/** What a failed file-system call means, in words a user can act on, with Node's code kept. */

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file-size limit (ulimit -f) was reached',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'the disk refused the write (I/O error)',
}

/** `the disk is full (ENOSPC)` for a Node file-system error; its message for anything else. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code
  const reason = code === undefined ? undefined : REASONS[code]
  if (reason) return `${reason} (${code})`
  return err instanceof Error ? err.message : String(err)
}
