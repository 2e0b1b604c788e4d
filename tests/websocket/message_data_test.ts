import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bytesOf, isBinary, sizeOf, toArrayBuffer } from "../../src/websocket/message_data.ts";

describe("what send() accepts", () => {
  it("takes ArrayBuffer, every view and Blob as binary; anything else as text", () => {
    for (const data of [new ArrayBuffer(1), new Uint8Array(1), new Float64Array(1), new DataView(new ArrayBuffer(1))]) {
      assert.equal(isBinary(data), true);
    }
    assert.equal(isBinary(new Blob(["x"])), true);
    for (const data of ["x", 1, null, {}, [1]]) assert.equal(isBinary(data), false);
  });

  it("counts text in UTF-8 bytes, binary in bytes", () => {
    assert.deepEqual([sizeOf("é😀"), sizeOf(new Uint16Array(3)), sizeOf(new Blob(["abc"]))], [6, 6, 3]);
  });

  it("views any binary as bytes without copying, and hands back an exact ArrayBuffer", () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint16Array(buffer, 2, 2);
    const bytes = bytesOf(view);
    assert.deepEqual([bytes.buffer, bytes.byteOffset, bytes.length], [buffer, 2, 4]);
    assert.equal(toArrayBuffer(new Uint8Array(buffer)), buffer, "a full view gives its own buffer");
    const part = toArrayBuffer(bytes);
    assert.deepEqual([part === buffer, part.byteLength], [false, 4]);
  });
});
