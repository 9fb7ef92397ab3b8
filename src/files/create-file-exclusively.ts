/** Creating a file only if it does not exist yet, with its whole content at once. */
import { linkSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Writes `content` to a private temporary file, then hard-links it into place, which fails if `filePath`
 * exists. Nobody ever sees the file empty or half-written, and of two processes racing exactly one wins.
 * Returns false when the file already existed. On a file system without hard links, falls back to an
 * exclusive create.
 */
export function createFileExclusively(filePath: string, content: string, mode = 0o600): boolean {
  const temporaryPath = `${filePath}.${process.pid}.tmp`;
  writeFileSync(temporaryPath, content, { mode });
  try {
    linkSync(temporaryPath, filePath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP') throw error;
  } finally {
    unlinkSync(temporaryPath);
  }
  try {
    writeFileSync(filePath, content, { mode, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
