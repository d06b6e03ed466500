import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sniffType, typeFromMime, typeFromName } from '../../../src/core/base/sniffContent';

const MEDIA = join(__dirname, '..', '..', 'fixtures', 'media');
const head = (...parts: Array<number[] | string>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

void describe('sniffType', () => {
  void it('recognises all six sample files by their content', () => {
    const expected: Record<string, string> = {
      'sample.jpg': 'image/jpeg',
      'sample.png': 'image/png',
      'sample.mp4': 'video/mp4',
      'sample.webm': 'video/webm',
      'sample.mp3': 'audio/mpeg',
      'sample.wav': 'audio/wav',
    };
    for (const [file, mime] of Object.entries(expected)) {
      const bytes = readFileSync(join(MEDIA, file)).subarray(0, 64);
      assert.equal(sniffType(bytes)?.mime, mime, file);
    }
  });

  void it('recognises crafted headers of each type', () => {
    assert.equal(sniffType(head([0xff, 0xd8, 0xff, 0xe0]))?.label, 'JPEG');
    assert.equal(sniffType(head([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.label, 'PNG');
    assert.equal(sniffType(head([0, 0, 0, 0x20], 'ftypisom'))?.label, 'MP4');
    assert.equal(sniffType(head([0x1a, 0x45, 0xdf, 0xa3, 0x9f], 'B\u0082\u0084webm'))?.label, 'WebM');
    assert.equal(sniffType(head('ID3', [4, 0, 0, 0]))?.label, 'MP3');
    // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz.
    assert.equal(sniffType(head([0xff, 0xfb, 0x90, 0x64]))?.label, 'MP3');
    assert.equal(sniffType(head('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '))?.label, 'WAV');
  });

  void it('refuses look-alikes and other formats', () => {
    assert.equal(sniffType(head('GIF89a')), undefined);
    assert.equal(sniffType(head('hello, world')), undefined);
    assert.equal(sniffType(head([])), undefined);
    assert.equal(sniffType(head([0x89, 0x50, 0x4e])), undefined, 'truncated PNG signature');
    assert.equal(sniffType(head([0, 0, 0, 0x20], 'ftypM4A ')), undefined, 'audio-only MP4 (m4a)');
    assert.equal(sniffType(head([0x1a, 0x45, 0xdf, 0xa3, 0x9f], 'B\u0082\u0088matroska')), undefined, 'Matroska');
    assert.equal(sniffType(head('RIFF', [0, 0, 0, 0], 'AVI LIST')), undefined, 'AVI');
    assert.equal(sniffType(head([0xff, 0xf1, 0x50, 0x80])), undefined, 'ADTS AAC (layer bits 00)');
    assert.equal(sniffType(head([0xff, 0xfb, 0xf0, 0x64])), undefined, 'MP3 sync with a bad bitrate index');
    assert.equal(sniffType(head([0xff, 0xfb, 0x9c, 0x64])), undefined, 'MP3 sync with a reserved sample rate');
    assert.equal(sniffType(head([0xff, 0xea, 0x90, 0x64])), undefined, 'reserved MPEG version');
  });
});

void describe('typeFromName / typeFromMime', () => {
  void it('maps extensions to the six documented MIME types', () => {
    assert.equal(typeFromName('a.JPG')?.mime, 'image/jpeg');
    assert.equal(typeFromName('a.jpeg')?.mime, 'image/jpeg');
    assert.equal(typeFromName('a.png')?.mime, 'image/png');
    assert.equal(typeFromName('dir.x/a.mp4')?.mime, 'video/mp4');
    assert.equal(typeFromName('a.webm')?.mime, 'video/webm');
    assert.equal(typeFromName('a.mp3')?.mime, 'audio/mpeg');
    assert.equal(typeFromName('a.wav')?.mime, 'audio/wav');
    assert.equal(typeFromName('clip.avi'), undefined);
    assert.equal(typeFromName('a.gif'), undefined);
    assert.equal(typeFromName('noext'), undefined);
  });

  void it('normalises aliases and parameters', () => {
    assert.equal(typeFromMime('audio/mp3')?.mime, 'audio/mpeg');
    assert.equal(typeFromMime('audio/x-wav')?.mime, 'audio/wav');
    assert.equal(typeFromMime('audio/wave')?.mime, 'audio/wav');
    assert.equal(typeFromMime('IMAGE/JPEG; charset=binary')?.mime, 'image/jpeg');
    assert.equal(typeFromMime('text/html'), undefined);
  });
});
