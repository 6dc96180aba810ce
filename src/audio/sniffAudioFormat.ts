/** Containers Chorus accepts for uploaded clips. 'ogg' may carry Vorbis, Opus or FLAC; 'mp4' is M4A/AAC in ISO BMFF; 'aac' is raw ADTS. */
export type AudioContainer = 'wav' | 'mp3' | 'ogg' | 'mp4' | 'aac' | 'webm' | 'flac';

/** What the sniffer recognises, for error messages that tell the uploader what to send instead. */
export const ACCEPTED_AUDIO_FORMATS = 'WAV, MP3, OGG (Vorbis/Opus/FLAC), M4A/AAC, WebM/MKV or FLAC';

/**
 * Names the container of `bytes` from its magic numbers alone. File names and MIME types are
 * ignored on purpose: uploads lie about both. Returns null when nothing matches.
 */
export function sniffAudioFormat(bytes: Uint8Array): AudioContainer | null {
  let offset = 0;
  let sawId3 = false;
  // ID3v2 tags sit in front of MP3 (and sometimes FLAC or ADTS) data; look past them at the real stream.
  while (hasAscii(bytes, offset, 'ID3') && bytes.length >= offset + 10) {
    sawId3 = true;
    const footer = (bytes[offset + 5]! & 0x10) !== 0 ? 10 : 0;
    const size = syncsafe(bytes, offset + 6);
    if (size === null) break;
    offset += 10 + size + footer;
  }
  if (sawId3) {
    if (hasAscii(bytes, offset, 'fLaC')) return 'flac';
    if (isAdtsHeader(bytes, offset)) return 'aac';
    // Some taggers pad with zeros before the first frame; the tag itself already says "MP3".
    return 'mp3';
  }

  if ((hasAscii(bytes, 0, 'RIFF') || hasAscii(bytes, 0, 'RF64') || hasAscii(bytes, 0, 'BW64')) && hasAscii(bytes, 8, 'WAVE')) {
    return 'wav';
  }
  if (hasAscii(bytes, 0, 'OggS')) return 'ogg';
  if (hasAscii(bytes, 0, 'fLaC')) return 'flac';
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  if (hasAscii(bytes, 4, 'ftyp')) return 'mp4';
  if (isAdtsHeader(bytes, 0) && confirmsNextFrame(bytes, 0, adtsFrameLength(bytes, 0), isAdtsHeader)) return 'aac';
  if (isMpegAudioHeader(bytes, 0) && confirmsNextFrame(bytes, 0, mpegAudioFrameLength(bytes, 0), isMpegAudioHeader)) return 'mp3';
  return null;
}

function hasAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

function syncsafe(bytes: Uint8Array, offset: number): number | null {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const byte = bytes[offset + i]!;
    if (byte & 0x80) return null;
    value = (value << 7) | byte;
  }
  return value;
}

/**
 * A lone 0xFFF sync word occurs by chance in 1 of ~4000 random files, so the header must be followed by
 * another valid header exactly one frame later, or the data must end exactly there (a one-frame file).
 * A first frame longer than the data is not accepted: random bytes claim ADTS frames of up to 8 KB, which
 * let 1 in 20,000 random 4 KB uploads through when "runs past the end" counted as a match.
 */
function confirmsNextFrame(
  bytes: Uint8Array,
  offset: number,
  frameLength: number,
  isHeader: (bytes: Uint8Array, offset: number) => boolean,
): boolean {
  if (frameLength <= 0) return false;
  const next = offset + frameLength;
  if (bytes.length < next) return false;
  if (bytes.length < next + 4) return true;
  return isHeader(bytes, next);
}

function isAdtsHeader(bytes: Uint8Array, offset: number): boolean {
  if (bytes.length < offset + 7) return false;
  // 12-bit sync, layer bits must be 00 (that is what tells ADTS apart from MPEG audio frames).
  if (bytes[offset] !== 0xff || (bytes[offset + 1]! & 0xf6) !== 0xf0) return false;
  const samplingIndex = (bytes[offset + 2]! >> 2) & 0x0f;
  return samplingIndex <= 12 && adtsFrameLength(bytes, offset) >= 7;
}

function adtsFrameLength(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset + 3]! & 0x03) << 11) | (bytes[offset + 4]! << 3) | (bytes[offset + 5]! >> 5);
}

const MPEG1_BITRATES: Record<number, readonly number[]> = {
  3: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // layer I
  2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // layer II
  1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // layer III
};
const MPEG2_BITRATES: Record<number, readonly number[]> = {
  3: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  1: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

function isMpegAudioHeader(bytes: Uint8Array, offset: number): boolean {
  if (bytes.length < offset + 4) return false;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  // 01 = reserved version, 00 = reserved layer, 1111 = bad bitrate, 11 = reserved rate. Free-format (0) is too rare to accept blind.
  return version !== 1 && layer !== 0 && bitrateIndex !== 0 && bitrateIndex !== 15 && rateIndex !== 3;
}

function mpegAudioFrameLength(bytes: Uint8Array, offset: number): number {
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrate = (version === 3 ? MPEG1_BITRATES : MPEG2_BITRATES)[layer]![b2 >> 4]! * 1000;
  const sampleRate = SAMPLE_RATES[version]![(b2 >> 2) & 0x03]!;
  const padding = (b2 >> 1) & 0x01;
  if (layer === 3) return Math.floor((12 * bitrate) / sampleRate + padding) * 4;
  const samplesPerFrame = layer === 1 && version !== 3 ? 576 : 1152;
  return Math.floor((samplesPerFrame / 8) * bitrate / sampleRate) + padding;
}
