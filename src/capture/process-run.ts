import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ProcessPlan } from './ffmpeg-args.ts';
import { FrameCutter } from './frame-cutter.ts';
import { openFrameSocket, type FrameSocket } from './frame-socket.ts';
import { lineSplitter } from './line-splitter.ts';
import type { RunEnd, RunHooks, SourceRun } from './run.ts';

/** How long a child gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 1500;

interface Member {
  label: string;
  child: ChildProcess;
  exited: boolean;
  /** "exited with code 1", "killed by SIGKILL", "spawn … ENOENT" once it is over. */
  outcome?: string;
  ok?: boolean;
}

/**
 * Runs a process plan: steps chained stdout → stdin by sharing the pipe itself (the camera's raw
 * video never passes through JavaScript), the last step's stdout a frame socket cut into frames.
 * If any member ends, the others are stopped too, so a run is always all-or-nothing.
 */
export function launchProcessPlan(plan: ProcessPlan, hooks: RunHooks, graceMs = KILL_GRACE_MS): SourceRun {
  const members: Member[] = [];
  let stopping = false;
  let firstFailure: Member | undefined;
  let killTimer: NodeJS.Timeout | undefined;

  const terminate = () => {
    for (const m of members) {
      if (m.exited) continue;
      m.child.kill('SIGTERM');
      // A stopped (SIGSTOP) or wedged process only acts on SIGTERM once continued.
      m.child.kill('SIGCONT');
    }
    killTimer ??= setTimeout(() => {
      for (const m of members) if (!m.exited) m.child.kill('SIGKILL');
    }, graceMs);
    killTimer.unref();
  };

  const spawnAll = (socket: FrameSocket): Promise<void>[] => {
    let previousStdout: Readable | undefined;
    plan.steps.forEach((step, index) => {
      const last = index === plan.steps.length - 1;
      const child = spawn(step.command, step.args, {
        stdio: [previousStdout ?? 'ignore', last ? socket.childEnd : 'pipe', 'pipe'],
        windowsHide: true,
      });
      // The child holds its own copy of the pipe or socket now; ours must neither read from it nor
      // keep it open (so a writer gets EPIPE when its reader dies, and we see EOF when ffmpeg exits).
      previousStdout?.destroy();
      if (last) socket.releaseChildEnd();
      members.push({ label: step.label, child, exited: false });
      const lines = lineSplitter((line) => hooks.stderr(step.label, line));
      child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk));
      child.stderr!.on('end', () => lines.flush());
      previousStdout = last ? undefined : child.stdout!;
    });
    return members.map(
      (m) =>
        new Promise<void>((resolve) => {
          const finish = (ok: boolean, outcome: string) => {
            if (m.exited) return;
            m.exited = true;
            m.ok = ok;
            m.outcome = outcome;
            if (!ok) firstFailure ??= m;
            // One member down means the pipeline is broken: stop the rest.
            terminate();
            resolve();
          };
          m.child.once('error', (err) => finish(false, `${m.label}: ${err.message}`));
          m.child.once('exit', (code, signal) => finish(code === 0, signal ? `${m.label} killed by ${signal}` : `${m.label} exited with code ${code}`));
        }),
    );
  };

  const cutter = new FrameCutter(hooks.pool, hooks.frame);
  const run = async (): Promise<RunEnd> => {
    let socket: FrameSocket;
    try {
      socket = await openFrameSocket(cutter);
    } catch (err) {
      return { success: false, detail: `cannot open the frame socket: ${(err as Error).message}` };
    }
    if (stopping) {
      socket.close();
      return { success: false, detail: 'stopped' };
    }
    const exits = spawnAll(socket);
    await Promise.all(exits);
    // Every byte ffmpeg wrote is read by the time the socket reports EOF; bounded in case a
    // grandchild kept the socket open.
    const eof = await Promise.race([socket.ended.then(() => true), delay(graceMs).then(() => false)]);
    if (!eof) socket.close();
    if (killTimer) clearTimeout(killTimer);
    const last = members[members.length - 1];
    if (cutter.pending > 0) hooks.stderr(last.label, `discarded ${cutter.pending} bytes of an incomplete last frame`);
    cutter.reset();
    const success = !stopping && members.every((m) => m.ok);
    // The first member to fail is the cause; the rest were stopped because of it.
    const cause = firstFailure ?? last;
    return { success, detail: stopping ? 'stopped' : (cause.outcome ?? 'ended') };
  };
  const ended = run().catch((err: Error) => ({ success: false, detail: err.message }));

  return {
    get pids() {
      return members.map((m) => m.child.pid).filter((p): p is number => p !== undefined);
    },
    finite: plan.finite,
    ended,
    async stop() {
      stopping = true;
      terminate();
      await ended;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
