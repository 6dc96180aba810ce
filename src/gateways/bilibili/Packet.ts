/**
 * Constants of Bilibili's live WebSocket framing (web route and Open Platform share it).
 * Every packet starts with a 16-byte big-endian header: pack_len u32, header_len u16,
 * protocol version u16, operation u32, sequence u32.
 */
export const HEADER_LENGTH = 16;

/** Body encodings. `raw` bodies are JSON (or an int for heartbeats); zlib/brotli bodies are bundles of whole packets. */
export const ProtocolVersion = {
  raw: 0,
  control: 1,
  zlib: 2,
  brotli: 3,
} as const;
export type ProtocolVersion = (typeof ProtocolVersion)[keyof typeof ProtocolVersion];

/** The operations the live chat uses; the others defined server-side are never sent to clients. */
export const Operation = {
  heartbeat: 2,
  heartbeatReply: 3,
  message: 5,
  auth: 7,
  authReply: 8,
} as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

/** A packet as read off the wire, after bundles are unpacked. */
export type InboundPacket =
  | { readonly kind: 'authReply'; /** `null` when the reply could not be read (treated as a refusal). */ readonly code: number | null }
  | { readonly kind: 'heartbeatReply'; readonly popularity: number }
  | { readonly kind: 'command'; readonly body: unknown }
  /** An operation the client has no use for (kept so callers can count them). */
  | { readonly kind: 'ignored'; readonly operation: number };
