/**
 * A TCP proxy the drill (and tests) put in front of a dependency, to fault it without touching
 * the shared server: `cut()` resets every connection and refuses new ones; `pause()` holds all
 * traffic (like a frozen server: connections stay open, nothing answers) until `resume()`.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private paused = false;

  constructor(
    readonly port: number,
    private readonly target: string,
  ) {}

  async open(): Promise<void> {
    const [host, port] = this.target.split(':');
    this.server = createServer((client) => {
      const upstream = connect(Number(port), host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
        if (this.paused) s.pause();
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(this.port, '127.0.0.1', resolve));
  }

  /** Cut: existing connections reset, new ones refused. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  pause(): void {
    this.paused = true;
    for (const s of this.sockets) s.pause();
  }

  resume(): void {
    this.paused = false;
    for (const s of this.sockets) s.resume();
  }
}
