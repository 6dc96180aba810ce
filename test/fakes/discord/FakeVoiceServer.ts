import { createDecipheriv, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { Certificate } from './selfSignedCertificate.ts';

/** One RTP packet the bot sent, after transport decryption. */
export interface ReceivedPacket {
  readonly ssrc: number;
  readonly sequence: number;
  readonly timestamp: number;
  /** The Opus payload (plain Opus: the fake negotiates DAVE protocol version 0). */
  readonly opus: Buffer;
  /** performance.now() at arrival. */
  readonly at: number;
}

/** One voice gateway session (a WSS connection). */
export interface VoiceSession {
  readonly id: number;
  readonly socket: ServerSocket;
  identify: Record<string, unknown> | undefined;
  readonly ssrc: number;
  readonly secretKey: Buffer;
  selectedMode: string | undefined;
  /** `speaking` values from op 5, in order. */
  readonly speaking: { readonly value: number; readonly at: number }[];
  resumed: boolean;
}

export interface FakeVoiceServerOptions {
  readonly certificate: Certificate;
}

/** Opus packet the client sends as trailing silence. */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

const VoiceOp = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
} as const;

const MODE = 'aead_aes256_gcm_rtpsize';

/**
 * The fake voice server: a TLS WebSocket speaking voice gateway v8 (Hello, Identify→Ready, Select Protocol →
 * Session Description with a random key and `dave_protocol_version: 0`, heartbeats, Resume) and a UDP socket
 * doing IP discovery and AES-256-GCM (rtpsize) decryption of every RTP packet the bot sends.
 */
export class FakeVoiceServer {
  readonly sessions: VoiceSession[] = [];
  readonly packets: ReceivedPacket[] = [];
  /** Close codes to send right after the next Identify(s), one per session (failure injection). */
  readonly closeOnIdentify: number[] = [];
  readonly #https: HttpsServer;
  readonly #wss: WebSocketServer;
  readonly #udp: UdpSocket;
  #nextId = 1;
  #nextSsrc = 1000;
  #packetListeners = new Set<(packet: ReceivedPacket) => void>();

  private constructor(https: HttpsServer, wss: WebSocketServer, udp: UdpSocket) {
    this.#https = https;
    this.#wss = wss;
    this.#udp = udp;
    wss.on('connection', (socket) => this.#onConnection(socket));
    udp.on('message', (message, remote) => this.#onDatagram(message, remote.address, remote.port));
  }

  static async start(options: FakeVoiceServerOptions): Promise<FakeVoiceServer> {
    const https = createServer({ key: options.certificate.key, cert: options.certificate.cert });
    const wss = new WebSocketServer({ server: https });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    return new FakeVoiceServer(https, wss, udp);
  }

  /** `host:port` as VOICE_SERVER_UPDATE's `endpoint` carries it (no scheme). */
  get endpoint(): string {
    return `127.0.0.1:${(this.#https.address() as AddressInfo).port}`;
  }

  get udpPort(): number {
    return this.#udp.address().port;
  }

  /** Calls `listener` for every decrypted packet from now on; returns a function that stops it. */
  onPacket(listener: (packet: ReceivedPacket) => void): () => void {
    this.#packetListeners.add(listener);
    return () => this.#packetListeners.delete(listener);
  }

  /** Closes every open voice gateway socket with `code` (4014 disconnected, 4006 session invalid, 4017 DAVE required…). */
  closeSessions(code: number): number {
    let closed = 0;
    for (const session of this.sessions) {
      if (session.socket.readyState === session.socket.OPEN) {
        session.socket.close(code, 'closed by the fake');
        closed += 1;
      }
    }
    return closed;
  }

  openSessions(): VoiceSession[] {
    return this.sessions.filter((session) => session.socket.readyState === session.socket.OPEN);
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#https.close(() => resolve()));
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
  }

  #onConnection(socket: ServerSocket): void {
    const session: VoiceSession = {
      id: this.#nextId++,
      socket,
      identify: undefined,
      ssrc: this.#nextSsrc++,
      secretKey: randomBytes(32),
      selectedMode: undefined,
      speaking: [],
      resumed: false,
    };
    this.sessions.push(session);
    let seq = 0;
    const send = (op: number, d: unknown): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ op, d, seq: ++seq }));
    };
    send(VoiceOp.Hello, { heartbeat_interval: 5000 });
    socket.on('message', (raw, isBinary) => {
      if (isBinary) return; // DAVE binary opcodes: never started, since the fake negotiates version 0
      const packet = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> };
      switch (packet.op) {
        case VoiceOp.Identify: {
          session.identify = packet.d;
          const closeCode = this.closeOnIdentify.shift();
          if (closeCode !== undefined) {
            socket.close(closeCode, 'injected');
            return;
          }
          send(VoiceOp.Ready, { ssrc: session.ssrc, ip: '127.0.0.1', port: this.udpPort, modes: [MODE], heartbeat_interval: 5000 });
          break;
        }
        case VoiceOp.SelectProtocol: {
          const data = packet.d.data as { mode: string };
          session.selectedMode = data.mode;
          if (data.mode !== MODE) {
            socket.close(4016, 'unknown encryption mode');
            return;
          }
          send(VoiceOp.SessionDescription, { mode: MODE, secret_key: [...session.secretKey], dave_protocol_version: 0 });
          break;
        }
        case VoiceOp.Heartbeat:
          send(VoiceOp.HeartbeatAck, { t: packet.d.t });
          break;
        case VoiceOp.Speaking:
          session.speaking.push({ value: Number(packet.d.speaking), at: performance.now() });
          break;
        case VoiceOp.Resume: {
          // Resuming keeps the old session's key and SSRC: find it by session id.
          const previous = this.sessions.find((other) => other !== session && other.identify?.session_id === packet.d.session_id);
          if (previous === undefined) {
            socket.close(4006, 'session no longer valid');
            return;
          }
          session.identify = previous.identify;
          session.resumed = true;
          Object.assign(session, { ssrc: previous.ssrc, secretKey: previous.secretKey });
          send(VoiceOp.Resumed, null);
          break;
        }
        default:
          break;
      }
    });
  }

  #onDatagram(message: Buffer, address: string, port: number): void {
    // IP discovery: type 1, length 70, SSRC, then zeros.
    if (message.length === 74 && message.readUInt16BE(0) === 1) {
      const reply = Buffer.alloc(74);
      reply.writeUInt16BE(2, 0);
      reply.writeUInt16BE(70, 2);
      reply.writeUInt32BE(message.readUInt32BE(4), 4);
      reply.write(address, 8, 'ascii');
      reply.writeUInt16BE(port, 72);
      this.#udp.send(reply, port, address);
      return;
    }
    if (message.length <= 8) return; // keep-alive
    if (message[1] !== 0x78) return;
    const ssrc = message.readUInt32BE(8);
    const session = this.sessions.findLast((candidate) => candidate.ssrc === ssrc);
    if (session === undefined) return;
    const opus = decryptRtpSize(message, session.secretKey);
    const packet: ReceivedPacket = { ssrc, sequence: message.readUInt16BE(2), timestamp: message.readUInt32BE(4), opus, at: performance.now() };
    this.packets.push(packet);
    for (const listener of this.#packetListeners) listener(packet);
  }
}

/**
 * aead_aes256_gcm_rtpsize: `header(12, +4·CC, +4 if X) | ciphertext | tag(16) | u32 counter`; the nonce is the
 * counter followed by zeros to 12 bytes, and the header is the additional authenticated data.
 */
export function decryptRtpSize(packet: Buffer, key: Buffer): Buffer {
  const first = packet[0] ?? 0;
  const csrcCount = first & 0x0f;
  const hasExtension = (first & 0x10) !== 0;
  const headerLength = 12 + 4 * csrcCount + (hasExtension ? 4 : 0);
  const header = packet.subarray(0, headerLength);
  const nonce = Buffer.alloc(12);
  packet.copy(nonce, 0, packet.length - 4);
  const tag = packet.subarray(packet.length - 20, packet.length - 4);
  const ciphertext = packet.subarray(headerLength, packet.length - 20);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (!hasExtension) return plain;
  // The extension body is encrypted along with the payload; drop it (its length in words is in the preamble).
  const words = packet.readUInt16BE(headerLength - 2);
  return plain.subarray(4 * words);
}
