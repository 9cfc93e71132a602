/**
 * The first half of an atomic replace: writes the new contents of `file` to a temp file next to it
 * whose name is unique to this process and this write (`<file>.<pid>.<random>.tmp`). The caller
 * checks that it may still replace the file, then renames the temp file over it (or removes it).
 *
 * Why not lowdb's steno writer: steno's temp name (`.<name>.tmp`) is the same for every process,
 * so two writers (one of them after losing its lock) truncate and write the same inode and can
 * rename a torn mix of both into place; and steno renames right away, leaving no point to check
 * the lock between "written" and "visible".
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface TempFileOptions {
  /** fsync the temp file before returning (its data reaches the disk before the rename makes it visible). Defaults to false. */
  readonly fsync?: boolean;
}

export async function writeTempFile(file: string, text: string | Iterable<string>, options: TempFileOptions = {}): Promise<string> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': a fresh file, never someone else's (the random part makes a collision practically impossible).
  const fh = await open(temp, 'wx');
  try {
    if (typeof text === 'string') await fh.writeFile(text, 'utf8');
    else {
      // Pieces are gathered into ~1 MB writes. Each write yields to the event loop, so a big file
      // (a snapshot of a large store) never needs one giant string, and the lock keeps being refreshed.
      let parts: string[] = [];
      let size = 0;
      for (const piece of text) {
        parts.push(piece);
        size += piece.length;
        if (size >= 1 << 20) {
          await writeAll(fh, Buffer.from(parts.join(''), 'utf8'));
          parts = [];
          size = 0;
        }
      }
      if (parts.length) await writeAll(fh, Buffer.from(parts.join(''), 'utf8'));
    }
    if (options.fsync) await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return temp;
}

/**
 * Writes all of `data` at `position` (undefined: the current position); a `write` may write less
 * than it was given.
 */
export async function writeAll(fh: FileHandle, data: Buffer, position?: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position === undefined ? null : position + done);
    done += bytesWritten;
  }
}

/** Removes the directory entry, if the file still exists; used when a write is abandoned. */
export async function removeTempFile(temp: string): Promise<void> {
  await unlink(temp).catch(() => undefined);
}

/**
 * Best-effort cleanup of temp files left by writers that died (SIGKILL, power loss) before their
 * rename: a temp file of a process that no longer exists, or older than `maxAgeMs` (the pid may have
 * been reused), is removed. A snapshot temp file is a whole copy of the store, so they would add up.
 */
export async function removeAbandonedTempFiles(file: string, maxAgeMs: number): Promise<number> {
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const path = join(dirname(file), name);
    const pid = Number(m[1]);
    let abandoned = !isAlive(pid);
    if (!abandoned) {
      const st = await stat(path).catch(() => undefined);
      abandoned = st !== undefined && Date.now() - st.mtimeMs > maxAgeMs;
    }
    if (abandoned && pid !== process.pid) {
      await unlink(path).then(
        () => removed++,
        () => undefined,
      );
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
