import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The channel ffmpeg writes frames into: a connected pair of UNIX sockets, one end given to the
 * child as its stdout, the other read by us with net's `onread` option, which lets the reader say
 * where each read goes. The kernel then copies frame bytes straight into the frame buffers: no
 * intermediate Buffer per read (a plain child stdout pipe allocates one per read, tens of MB of
 * garbage a second at full speed) and no copy in JavaScript at all.
 * The socket lives in a fresh 0700 directory (only this user can connect in the instant before we
 * do) and is unlinked as soon as the pair is connected.
 */
export interface FrameSocket {
  /** Pass as the child's stdout in spawn's stdio, then call releaseChildEnd(). */
  childEnd: net.Socket;
  /** Closes our copy of the child's end, so the reader sees EOF when the child exits. */
  releaseChildEnd(): void;
  /** Resolves at EOF (the writer exited) or after close(). */
  ended: Promise<void>;
  close(): void;
}

export interface ReadTarget {
  /** The memory the next read fills (up to its length). */
  target(): Uint8Array;
  /** n bytes were just read into the last target; a promise pauses reading until it settles. */
  commit(n: number): void | Promise<void>;
}

export async function openFrameSocket(sink: ReadTarget): Promise<FrameSocket> {
  const dir = mkdtempSync(path.join(tmpdir(), 'glance-capture-'));
  const socketPath = path.join(dir, 'frames.sock');
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const reader = net.connect({
      path: socketPath,
      onread: {
        // Called for the first read and again after every read: the next place to read into.
        buffer: () => sink.target(),
        callback: (n: number) => {
          const wait = sink.commit(n);
          if (!wait) return true;
          // Backpressure (pace lockstep): stop reading, so ffmpeg blocks on a full socket, until the
          // consumer is ready for the next frame.
          void wait.then(() => reader.resume());
          return false;
        },
      },
    });
    const connected = new Promise<void>((resolve, reject) => {
      reader.once('connect', resolve);
      reader.once('error', reject);
    });
    const [childEnd] = await Promise.all([accepted, connected]);
    const ended = new Promise<void>((resolve) => {
      reader.once('close', () => resolve());
      reader.on('error', () => reader.destroy());
    });
    return {
      childEnd,
      releaseChildEnd: () => childEnd.destroy(),
      ended,
      close() {
        childEnd.destroy();
        reader.destroy();
      },
    };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
