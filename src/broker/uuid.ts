/** Topic ids travel as 16 bytes on the wire and as Kafka's 22-character base64url text elsewhere. */
export const ZERO_UUID = Buffer.alloc(16)

export function uuidBytes(text: string): Buffer {
  return Buffer.from(text, 'base64url')
}

export function uuidText(bytes: Buffer): string {
  return bytes.toString('base64url')
}
