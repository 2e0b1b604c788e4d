// Test helper, not a test: an independent, deliberately plain TypeScript
// implementation of the Codec contract (src/codec/mod.ts), the oracle the WASM
// core is run against. It shares no code with wasm/ or src/codec/: it reads one
// byte at a time, keeps whole frames in ordinary arrays, and leaves UTF-8 to
// the WHATWG decoder (`TextDecoder` with `fatal` and `stream`, which rejects
// a sequence on the first byte that cannot continue it).
import type { Codec, Decoder, DecoderOptions, Encoder, FrameSink, Role } from "../../src/codec/mod.ts";
import * as abi from "../../src/codec/abi.ts";
import { frameErrorOf } from "../../src/codec/frame_errors.ts";

type Step = "b0" | "b1" | "len" | "key" | "payload";

class ReferenceDecoder implements Decoder {
  #opts: DecoderOptions;
  #dead = false;
  #step: Step = "b0";
  #b0 = 0;
  #b1 = 0;
  #lenBytes: number[] = [];
  #key: number[] = [];
  #length = 0;
  #received = 0;
  #control: number[] = [];
  #messageOpcode = 0; // 0 none, 1 text, 2 binary
  #messageSize = 0;
  #fragments = 0;
  #firstPending = false;
  #utf8: TextDecoder | undefined;
  #compressed = false;
  #pending: number[] = [];

  constructor(options: DecoderOptions) {
    this.#opts = options;
  }

  reserve(): Uint8Array {
    return new Uint8Array(4096);
  }
  commit(): void {
    throw new Error("the reference decoder takes push() only");
  }
  setAllowRsv1(allow: boolean): void {
    this.#opts = { ...this.#opts, allowRsv1: allow };
  }
  dispose(): void {}

  push(bytes: Uint8Array, sink: FrameSink): void {
    for (const byte of bytes) {
      if (this.#dead) return;
      this.#byte(byte, sink);
    }
    this.#flushPiece(sink, false);
  }

  #fail(sink: FrameSink, id: number): void {
    this.#dead = true;
    this.#pending = [];
    sink.onError(frameErrorOf(id));
  }

  #byte(byte: number, sink: FrameSink): void {
    switch (this.#step) {
      case "b0": {
        this.#b0 = byte;
        const opcode = byte & 0x0f;
        const control = opcode >= 8;
        const rsv = byte & 0x70;
        if (rsv !== 0 && !(rsv === 0x40 && this.#opts.allowRsv1 && (opcode === 1 || opcode === 2))) {
          return this.#fail(sink, abi.ERR_UNEXPECTED_RSV);
        }
        if (![0, 1, 2, 8, 9, 10].includes(opcode)) return this.#fail(sink, abi.ERR_INVALID_OPCODE);
        if (control && (byte & 0x80) === 0) return this.#fail(sink, abi.ERR_EXPECTED_FIN);
        if (opcode === 0 && this.#messageOpcode === 0) return this.#fail(sink, abi.ERR_INVALID_CONTINUATION);
        if ((opcode === 1 || opcode === 2) && this.#messageOpcode !== 0) {
          return this.#fail(sink, abi.ERR_EXPECTED_CONTINUATION);
        }
        this.#step = "b1";
        return;
      }
      case "b1": {
        this.#b1 = byte;
        const masked = (byte & 0x80) !== 0;
        if (this.#opts.role === "server" && !masked) return this.#fail(sink, abi.ERR_EXPECTED_MASK);
        if (this.#opts.role === "client" && masked) return this.#fail(sink, abi.ERR_UNEXPECTED_MASK);
        const len7 = byte & 0x7f;
        if ((this.#b0 & 0x08) !== 0 && len7 > 125) return this.#fail(sink, abi.ERR_CONTROL_TOO_LONG);
        this.#lenBytes = [];
        this.#key = [];
        if (len7 < 126) {
          this.#length = len7;
          return this.#headerLengthKnown(sink);
        }
        this.#step = "len";
        return;
      }
      case "len": {
        this.#lenBytes.push(byte);
        const need = (this.#b1 & 0x7f) === 126 ? 2 : 8;
        if (this.#lenBytes.length < need) return;
        let value = 0n;
        for (const b of this.#lenBytes) value = (value << 8n) | BigInt(b);
        if (need === 2 && value < 126n) return this.#fail(sink, abi.ERR_INVALID_LENGTH);
        if (need === 8 && (value >> 63n !== 0n || value <= 0xffffn)) return this.#fail(sink, abi.ERR_INVALID_LENGTH);
        this.#length = Number(value);
        return this.#headerLengthKnown(sink);
      }
      case "key": {
        this.#key.push(byte);
        if (this.#key.length === 4) this.#headerDone(sink);
        return;
      }
      case "payload": {
        const plain = this.#key.length === 4 ? byte ^ this.#key[this.#received & 3] : byte;
        this.#received++;
        const opcode = this.#b0 & 0x0f;
        if (opcode >= 8) {
          this.#control.push(plain);
          if (this.#received === this.#length) this.#controlDone(sink);
        } else {
          this.#pending.push(plain);
          if (this.#received === this.#length) this.#flushPiece(sink, true);
        }
        return;
      }
    }
  }

  /** Length known: apply limits (data frames), then read the key or finish the header. */
  #headerLengthKnown(sink: FrameSink): void {
    const opcode = this.#b0 & 0x0f;
    if (opcode < 8) {
      const size = (opcode === 0 ? this.#messageSize : 0) + this.#length;
      const fragments = (opcode === 0 ? this.#fragments : 0) + 1;
      if (size > this.#opts.maxPayload) return this.#fail(sink, abi.ERR_MESSAGE_TOO_BIG);
      if (fragments > this.#opts.maxFragments) return this.#fail(sink, abi.ERR_TOO_MANY_FRAGMENTS);
    }
    if ((this.#b1 & 0x80) !== 0) this.#step = "key";
    else this.#headerDone(sink);
  }

  #headerDone(sink: FrameSink): void {
    const opcode = this.#b0 & 0x0f;
    this.#received = 0;
    this.#control = [];
    if (opcode === 1 || opcode === 2) {
      this.#messageOpcode = opcode;
      this.#messageSize = 0;
      this.#fragments = 0;
      this.#firstPending = true;
      // RFC 7692 §6: RSV1 on the first frame marks the message compressed; its text is checked once inflated.
      this.#compressed = (this.#b0 & 0x40) !== 0;
      this.#utf8 = opcode === 1 && !this.#compressed
        ? new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
        : undefined;
    }
    if (opcode < 8) {
      this.#messageSize += this.#length;
      this.#fragments++;
    }
    this.#step = "payload";
    if (this.#length === 0) {
      if (opcode >= 8) this.#controlDone(sink);
      else this.#flushPiece(sink, true);
    }
  }

  /** Deliver what has arrived of the current data frame. */
  #flushPiece(sink: FrameSink, frameDone: boolean): void {
    if (this.#dead || this.#step !== "payload" || (this.#b0 & 0x0f) >= 8) return;
    if (!frameDone && this.#pending.length === 0) return;
    const piece = Uint8Array.from(this.#pending);
    this.#pending = [];
    const last = frameDone && (this.#b0 & 0x80) !== 0;
    const text = this.#messageOpcode === 1;
    if (text && !this.#compressed) {
      try {
        this.#utf8!.decode(piece, { stream: !last });
      } catch {
        return this.#fail(sink, abi.ERR_INVALID_UTF8);
      }
    }
    const first = this.#firstPending;
    this.#firstPending = false;
    if (frameDone) this.#step = "b0";
    if (last) this.#messageOpcode = 0;
    sink.onData(piece, text, first, last, undefined, this.#compressed);
  }

  #controlDone(sink: FrameSink): void {
    const opcode = this.#b0 & 0x0f;
    const payload = Uint8Array.from(this.#control);
    this.#step = "b0";
    if (opcode === 8 && payload.length > 0) {
      if (payload.length === 1) return this.#fail(sink, abi.ERR_INVALID_CLOSE_PAYLOAD);
      const code = (payload[0] << 8) | payload[1];
      const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
      if (!valid) return this.#fail(sink, abi.ERR_INVALID_CLOSE_CODE);
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
      } catch {
        return this.#fail(sink, abi.ERR_INVALID_UTF8);
      }
    }
    sink.onControl(opcode, payload);
  }
}

class ReferenceEncoder implements Encoder {
  #role: Role;
  payloadLength = 0;
  constructor(role: Role) {
    this.#role = role;
  }
  encode(opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array {
    const head: number[] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode];
    const mask = this.#role === "client" ? 0x80 : 0;
    const n = payload.length;
    this.payloadLength = n;
    if (n < 126) head.push(mask | n);
    else if (n < 65536) head.push(mask | 126, n >> 8, n & 0xff);
    else {
      head.push(mask | 127);
      for (let shift = 56; shift >= 0; shift -= 8) head.push(Number((BigInt(n) >> BigInt(shift)) & 0xffn));
    }
    const key = mask ? [...crypto.getRandomValues(new Uint8Array(4))] : [];
    const out = new Uint8Array(head.length + key.length + n);
    out.set([...head, ...key]);
    for (let i = 0; i < n; i++) out[head.length + key.length + i] = mask ? payload[i] ^ key[i % 4] : payload[i];
    return out;
  }
  encodeText(text: string): Uint8Array {
    return this.encode(1, new TextEncoder().encode(text));
  }
}

export function createReferenceCodec(): Codec {
  return {
    decoder: (options) => new ReferenceDecoder(options),
    encoder: (role) => new ReferenceEncoder(role),
  };
}
