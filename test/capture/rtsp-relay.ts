import net from 'node:net';

/**
 * A minimal RTSP relay for tests, on 127.0.0.1 only: a real ffmpeg publishes into it (ANNOUNCE /
 * SETUP / RECORD, RTP interleaved over TCP) and real RTSP clients play from it (DESCRIBE / SETUP /
 * PLAY), as from an IP camera. ffmpeg has no RTSP server of its own for clients to PLAY from, so
 * this stands in for the camera's; it forwards RTP bytes untouched and understands nothing else.
 */
export class RtspRelay {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private sdp: string | undefined;
  private readonly players = new Set<net.Socket>();
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  get publishing(): boolean {
    return this.sdp !== undefined;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    let role: 'publisher' | 'player' | undefined;
    let pending = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.players.delete(socket);
      if (role === 'publisher') this.sdp = undefined;
    });
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length === 0) return;
        if (pending[0] === 0x24) {
          // $ channel length payload: an interleaved RTP/RTCP packet.
          if (pending.length < 4) return;
          const end = 4 + pending.readUInt16BE(2);
          if (pending.length < end) return;
          const packet = pending.subarray(0, end);
          pending = pending.subarray(end);
          if (role === 'publisher') for (const p of this.players) p.write(packet);
          continue;
        }
        const headerEnd = pending.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const lines = pending.subarray(0, headerEnd).toString('latin1').split('\r\n');
        const headers = new Map(
          lines.slice(1).map((l) => {
            const i = l.indexOf(':');
            return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()] as [string, string];
          }),
        );
        const length = Number(headers.get('content-length') ?? 0);
        if (pending.length < headerEnd + 4 + length) return;
        const body = pending.subarray(headerEnd + 4, headerEnd + 4 + length).toString('latin1');
        pending = pending.subarray(headerEnd + 4 + length);
        const [method, url] = lines[0].split(' ');
        const reply = (status: string, extra: Record<string, string> = {}, content = '') => {
          const head = [`RTSP/1.0 ${status}`, `CSeq: ${headers.get('cseq') ?? '0'}`, ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`)];
          if (content) head.push(`Content-Length: ${Buffer.byteLength(content)}`);
          socket.write(`${head.join('\r\n')}\r\n\r\n${content}`);
        };
        switch (method) {
          case 'OPTIONS':
            reply('200 OK', { Public: 'DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, TEARDOWN, GET_PARAMETER, OPTIONS' });
            break;
          case 'ANNOUNCE':
            role = 'publisher';
            this.sdp = body;
            reply('200 OK');
            break;
          case 'DESCRIBE':
            if (!this.sdp) reply('404 Not Found');
            else reply('200 OK', { 'Content-Base': `${url.replace(/\/$/, '')}/`, 'Content-Type': 'application/sdp' }, this.sdp);
            break;
          case 'SETUP': {
            const transport = headers.get('transport') ?? '';
            const interleaved = /interleaved=(\d+-\d+)/.exec(transport)?.[1] ?? '0-1';
            if (!transport.includes('TCP')) {
              reply('461 Unsupported Transport');
              break;
            }
            reply('200 OK', { Transport: `RTP/AVP/TCP;unicast;interleaved=${interleaved}${role === 'publisher' ? ';mode=record' : ''}`, Session: '4242;timeout=60' });
            break;
          }
          case 'RECORD':
            reply('200 OK', { Session: '4242' });
            break;
          case 'PLAY':
            role = 'player';
            reply('200 OK', { Session: '4242' });
            this.players.add(socket);
            break;
          case 'TEARDOWN':
            reply('200 OK', { Session: '4242' });
            socket.end();
            break;
          default:
            reply('200 OK', { Session: '4242' });
        }
      }
    });
  }
}
