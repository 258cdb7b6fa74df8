// Test support: the Redis Cluster hash slot of a key (CRC16-XMODEM of its hash tag, or of the whole key, mod 16384), as the cluster computes it.

function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The part a key hashes by: between its first `{` and the first `}` after it, when not empty; else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export const keySlot = (key: string): number => crc16(hashTagOf(key)) % 16_384;
